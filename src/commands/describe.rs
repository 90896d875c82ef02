//! `streamlock describe is/NAME | istag/NAME[:TAG] | isimage/NAME@ID [PATHS…] [--remote]`.

use super::{Exit, print};
use crate::cli::{DescribeArgs, Global};
use crate::cluster::Cluster;
use crate::describe::{self, Described, Repository, Target};
use crate::import::resolve::to_registry;
use crate::model::istag;
use crate::plan::Lookup;
use crate::reconcile::TagImport;
use crate::registry::{Inspected, Resolver};
use crate::sanitize;

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
        }
        | Target::Image {
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
    let cluster = match Cluster::for_paths(&args.cluster, &args.paths) {
        Ok(cluster) => cluster,
        Err(e) => {
            eprintln!("streamlock: {e}");
            return Exit::Failure;
        }
    };
    let mut stream = Described::new(found.object.node);
    // The stream's tags kept as ImageStreamTag documents are its spec tags, as on the server.
    istag::merge(&mut stream.view.spec, &repository.tag_documents());
    // The server shows the repositories of its cluster, whatever the file holds.
    let (namespace, name) = (stream.namespace().to_owned(), stream.name().to_owned());
    let spec_repository = stream.view.spec.docker_image_repository.clone();
    let status = stream.view.status.get_or_insert_with(Default::default);
    cluster.fill_repositories(&namespace, &name, &spec_repository, status);
    let text = match &target {
        Target::Stream { .. } if args.remote => Err(
            "--remote reads one image: describe istag/NAME:TAG or isimage/NAME@DIGEST".to_owned(),
        ),
        Target::Stream { .. } => Ok(describe::describe_stream(&stream, describe::now())),
        Target::Tag { tag, .. } if args.remote => {
            describe::remote_lookup(&stream, tag, cluster.import_mode)
                .and_then(|lookup| inspect(&args, &cluster, &lookup))
                .map(|image| describe::describe_istag_remote(&stream, tag, &image, describe::now()))
        }
        Target::Tag { tag, .. } => describe::describe_istag(&stream, tag),
        Target::Image { id, .. } if args.remote => describe::isimage_lookup(&stream, id)
            .and_then(|lookup| inspect(&args, &cluster, &lookup))
            .and_then(|image| {
                describe::describe_isimage_remote(&stream, id, &image, describe::now())
            }),
        Target::Image { id, .. } => describe::describe_isimage(&stream, id),
    };
    // Image configs and registry answers are outside text: no control or bidi character of theirs
    // reaches the terminal as itself.
    match text {
        Ok(text) => {
            print(&sanitize::multiline(&text));
            Exit::Clean
        }
        Err(e) => {
            eprintln!("streamlock: {}", sanitize::multiline(&e));
            Exit::Failure
        }
    }
}

/// Reads an image from its registry (or mirrors) with the engine import uses.
fn inspect(args: &DescribeArgs, cluster: &Cluster, planned: &Lookup) -> Result<Inspected, String> {
    let lookup = to_registry(planned).map_err(|failure| match failure {
        TagImport::Failed { message, .. } => message,
        TagImport::Found { image } => image,
        TagImport::Inconclusive { cause, fix } => format!("{cause} ({fix})"),
        TagImport::Skipped { why } => why,
    })?;
    let resolver = Resolver::new(super::engine::registry_config(&args.registry, cluster)?)
        .map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))?;
    runtime.block_on(resolver.inspect(&lookup))
}
