//! `streamlock describe is/NAME | istag/NAME[:TAG] [PATHS…]`.

use super::{Exit, print};
use crate::cli::{DescribeArgs, Global};
use crate::describe::{self, Described, Repository, Target};

pub fn run(args: DescribeArgs, global: &Global) -> Exit {
    let target = match Target::parse(&args.target) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("streamlock: {e}");
            return Exit::Failure;
        }
    };
    let repository = match Repository::read(&args.paths) {
        Ok(repository) => repository,
        Err(e) => {
            eprintln!("streamlock: {e}");
            return Exit::Failure;
        }
    };
    if global.verbose > 0 {
        for problem in &repository.problems {
            eprintln!("streamlock: skipped {problem}");
        }
    }
    let (namespace, name) = match &target {
        Target::Stream { namespace, name }
        | Target::Tag {
            namespace, name, ..
        } => (namespace.as_deref(), name.as_str()),
    };
    let found = match repository.find(namespace, name) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("streamlock: {e}");
            return Exit::Failure;
        }
    };
    let stream = Described::new(found.object.node);
    let text = match &target {
        Target::Stream { .. } => Ok(describe::describe_stream(&stream, describe::now())),
        Target::Tag { tag, .. } => describe::describe_istag(&stream, tag),
    };
    match text {
        Ok(text) => {
            print(&text);
            Exit::Clean
        }
        Err(e) => {
            eprintln!("streamlock: {e}");
            Exit::Failure
        }
    }
}
