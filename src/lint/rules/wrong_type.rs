//! `wrong-type`: a field holds a value of the wrong type, which the API server cannot decode.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::schema::Problem;

pub static RULE: Rule = Rule {
    id: "wrong-type",
    severity: Severity::Error,
    summary: "a field holds a value of the wrong type, which the API server cannot decode",
    help: "The server decodes manifests into typed Go structs: a number or boolean where a string belongs (an unquoted tag name such as `1.0`, or `yes`), a string where a boolean belongs (`scheduled: \"true\"`), a mapping as an annotation value, or a time that is not RFC 3339 makes the whole object fail with `cannot unmarshal`. Quote strings, unquote booleans.",
    example: crate::lint::fixtures!("wrong-type"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for problem in cx.schema {
        if let Problem::WrongType {
            path,
            expected,
            found,
        } = problem
        {
            out.push(Finding::at(
                &RULE,
                path.clone(),
                format!("Invalid value: expected {expected}, found {found}"),
            ));
        }
    }
}
