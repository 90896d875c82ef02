//! Generated shapes: YAML with comments in many places, both sequence styles and indent widths, every
//! kind of existing status, plain / List / multi-document files, CRLF, with or without a final line
//! break, and JSON with tabs or spaces. Editing any object changes only its status block.

mod write_support;

use proptest::prelude::*;
use streamlock::load::find_objects;
use write_support::{assert_only_status_changed, failure_status, load, rich_status, set_statuses};

#[derive(Clone, Debug)]
struct Shape {
    unit: usize,
    seq_indented: bool,
    comments: bool,
    status: usize,
    quote: usize,
}

fn yaml_object(s: &Shape, col: usize, first_prefix: &str, name: &str) -> String {
    let pad = |n: usize| " ".repeat(n);
    let (k, u) = (col, s.unit);
    let dash = if s.seq_indented { k + 2 * u } else { k + u };
    let c = |text: &str| {
        if s.comments {
            format!("  # {text}")
        } else {
            String::new()
        }
    };
    let q = ["", "'", "\""][s.quote];
    let mut out = format!(
        "{first_prefix}apiVersion: image.openshift.io/v1{}\n",
        c("api")
    );
    out += &format!(
        "{}kind: ImageStream\n{}metadata:\n{}name: {name}{}\n",
        pad(k),
        pad(k),
        pad(k + u),
        c("n")
    );
    if s.comments {
        out += &format!("{}# spec follows\n", pad(k));
    }
    out += &format!("{}spec:\n{}tags:\n", pad(k), pad(k + u));
    out += &format!(
        "{}- name: {q}latest{q}{}\n{}from:\n",
        pad(dash),
        c("tag"),
        pad(dash + 2)
    );
    out += &format!(
        "{}kind: DockerImage\n{}name: {q}quay.io/o/{name}:latest{q}\n",
        pad(dash + 2 + u),
        pad(dash + 2 + u)
    );
    out += &match s.status {
        0 => String::new(),
        1 => format!("{}status: {{}}{}\n", pad(k), c("empty")),
        2 => format!("{}status:{}\n", pad(k), c("null")),
        _ => format!(
            "{}status:\n{}dockerImageRepository: {q}x{q}{}\n{}tags:\n{}- tag: latest\n{}items: null\n",
            pad(k),
            pad(k + u),
            c("repo"),
            pad(k + u),
            pad(k + u + if s.seq_indented { u } else { 0 }),
            pad(k + u + if s.seq_indented { u } else { 0 } + 2)
        ),
    };
    if s.comments {
        out += &format!("{}# end of {name}\n", pad(k));
    }
    out
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        prop::sample::select(vec![2usize, 4]),
        any::<bool>(),
        any::<bool>(),
        0..4usize,
        0..3usize,
    )
        .prop_map(|(unit, seq_indented, comments, status, quote)| Shape {
            unit,
            seq_indented,
            comments,
            status,
            quote,
        })
}

fn file(wrapper: usize, shapes: &[Shape]) -> String {
    match wrapper {
        0 => yaml_object(&shapes[0], 0, "", "a"),
        1 => {
            let mut out = "apiVersion: v1\nkind: List\nitems:\n".to_string();
            for (i, s) in shapes.iter().enumerate() {
                out += &yaml_object(s, 2, "- ", &format!("s{i}"));
            }
            out
        }
        _ => shapes
            .iter()
            .enumerate()
            .map(|(i, s)| format!("---\n{}", yaml_object(s, 0, "", &format!("d{i}"))))
            .collect(),
    }
}

fn json_file(indent: &str, with_status: bool) -> String {
    let i = |n: usize| indent.repeat(n);
    let status = if with_status {
        format!(",\n{}\"status\": {{}}", i(1))
    } else {
        String::new()
    };
    format!(
        "{{\n{}\"kind\": \"ImageStream\",\n{}\"metadata\": {{\n{}\"name\": \"j\"\n{}}},\n{}\"spec\": {{\n{}\"tags\": []\n{}}}{status}\n}}\n",
        i(1),
        i(1),
        i(2),
        i(1),
        i(1),
        i(2),
        i(1)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn only_the_status_block_changes(
        wrapper in 0..3usize,
        shapes in prop::collection::vec(shape(), 3),
        target in 0..3usize,
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        rich in any::<bool>(),
    ) {
        let mut text = file(wrapper, &shapes);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if !final_newline {
            text = text.trim_end().to_string();
        }
        let count = find_objects(&load("p.yaml", &text).parsed.documents).len();
        let target = target % count;
        let status = if rich { rich_status() } else { failure_status(&["latest"]) };
        let edits = [(target, &status)];
        let out = set_statuses("p.yaml", &text, &edits).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_only_status_changed(&text, &out, &edits);
        prop_assert_eq!(out.ends_with('\n'), text.ends_with('\n'));
        prop_assert_eq!(out.matches('\n').count() == out.matches("\r\n").count(), crlf || !out.contains('\n'));
    }

    #[test]
    fn json_keeps_its_indentation(indent in prop::sample::select(vec!["\t", "  ", "    "]), with_status in any::<bool>()) {
        let text = json_file(indent, with_status);
        let status = rich_status();
        let out = set_statuses("p.json", &text, &[(0, &status)]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_only_status_changed(&text, &out, &[(0, &status)]);
        let expected_member = format!("\n{indent}\"status\": {{\n{indent}{indent}\"dockerImageRepository\"");
        prop_assert!(out.contains(&expected_member), "{}", out);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
    }
}
