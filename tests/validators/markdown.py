"""Parses a Markdown file with markdown-it-py (CommonMark plus GFM tables and strikethrough, as
GitHub renders a pull-request body) and prints what a reader sees as JSON: the kinds of inline
tokens, the text of every table row's cells and of every list item."""
import json
import sys

from markdown_it import MarkdownIt

md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
tokens = md.parse(open(sys.argv[1], encoding="utf-8").read())


def shown(inline):
    return "".join(child.content for child in inline.children if child.type in ("text", "code_inline"))


kinds, rows, items, row, in_item = set(), [], [], None, False
for token in tokens:
    kinds.add(token.type)
    if token.type == "tr_open":
        row = []
    elif token.type == "tr_close":
        rows.append(row)
        row = None
    elif token.type == "list_item_open":
        in_item = True
    elif token.type == "list_item_close":
        in_item = False
    elif token.type == "inline":
        kinds.update(child.type for child in token.children)
        if row is not None:
            row.append(shown(token))
        elif in_item:
            items.append(shown(token))
print(json.dumps({"kinds": sorted(kinds), "rows": rows, "items": items}))
