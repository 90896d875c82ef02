//! `invalid-cluster-config`: the cluster's Image object among the inputs is malformed.

use crate::lint::{Check, FileContext, FileFinding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-cluster-config",
    severity: Severity::Error,
    summary: "the cluster's Image object (config.openshift.io/v1, `cluster`) is malformed",
    help: "The Image object that tells streamlock which cluster the files target has a field of the \
           wrong type or value at the place shown; the cluster would reject it too. Until it is \
           fixed, the files are linted for an unconfigured cluster (every registry allowed). See \
           \"The cluster a repository targets\" in the README.",
    example: crate::lint::fixtures!("invalid-cluster-config"),
    check: Check::File(check),
};

fn check(cx: &FileContext, out: &mut Vec<FileFinding>) {
    if let FileContext::Cluster(problem) = cx {
        out.push(FileFinding {
            span: problem.span,
            message: problem.message.clone(),
        });
    }
}
