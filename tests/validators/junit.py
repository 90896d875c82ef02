"""Validates a JUnit report against an XSD with lxml, then prints its test case names and failure
texts as JSON (the XML parser's view: entities decoded exactly once)."""
import json
import sys

from lxml import etree

schema = etree.XMLSchema(etree.parse(sys.argv[1]))
doc = etree.parse(sys.argv[2])
if not schema.validate(doc):
    print(schema.error_log)
    sys.exit(1)
print(json.dumps({
    "cases": [case.get("name") for case in doc.iter("testcase")],
    "failures": [failure.text for failure in doc.iter("failure")],
}))
