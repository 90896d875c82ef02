#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from fixtures/ and, when
# STREAMLOCK_CORPUS names the real-world corpus, from its files. Existing corpus entries are kept.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=(fixtures)
if [ -n "${STREAMLOCK_CORPUS:-}" ] && [ -d "$STREAMLOCK_CORPUS/files" ]; then
    sources+=("$STREAMLOCK_CORPUS/files")
fi
mkdir -p fuzz/corpus/load fuzz/corpus/write_roundtrip fuzz/corpus/reference \
    fuzz/corpus/manifest fuzz/corpus/token fuzz/corpus/headers fuzz/corpus/tags

# Manifests of at most 64 KiB (the targets' -max_len), named by content so re-seeding adds nothing.
find "${sources[@]}" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -65k -print0 |
    while IFS= read -r -d '' file; do
        sum=$(sha1sum "$file" | cut -c1-16)
        cp -n "$file" "fuzz/corpus/load/$sum"
        if grep -q ImageStream "$file"; then
            # write_roundtrip reads the status to write after a NUL byte: one seed without (an empty
            # status), one with bytes that become a status with tags.
            cp -n "$file" "fuzz/corpus/write_roundtrip/$sum"
            [ -e "fuzz/corpus/write_roundtrip/$sum-status" ] ||
                { cat "$file"; printf '\0\001'; head -c 256 /dev/urandom; } >"fuzz/corpus/write_roundtrip/$sum-status"
        fi
    done

# Every `name:` / `dockerImageReference:` value that looks like an image reference.
find "${sources[@]}" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 |
    xargs -0 grep -hoE '"?(name|dockerImageReference|dockerImageRepository)"?: *"?[^" ,{}]*[/:@][^" ,{}]*' 2>/dev/null |
    sed -E 's/^"?[A-Za-z]+"?: *"?//' | sort -u | head -n 20000 |
    while IFS= read -r ref; do
        printf '%s' "$ref" >"fuzz/corpus/reference/$(printf '%s' "$ref" | sha1sum | cut -c1-16)"
    done

# Registry answers: fuzz/seeds/<target>/ holds a few of each kind (manifests start with the byte that
# picks the content type the server claims).
for target in manifest token headers tags; do
    cp -n fuzz/seeds/"$target"/* "fuzz/corpus/$target/"
done

for target in load write_roundtrip reference manifest token headers tags; do
    echo "fuzz-seed: $target: $(find "fuzz/corpus/$target" -type f | wc -l) inputs"
done
