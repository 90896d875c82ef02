//! `streamlock tag SOURCE DEST… | -d DEST…`: oc tag's semantics, edits made in place.

use std::path::PathBuf;

use super::{Exit, print};
use crate::cli::{Global, TagArgs};
use crate::cluster::{Cluster, Transport};
use crate::describe::{Described, Repository};
use crate::load::{LoadedFile, Source, parse};
use crate::model::reference;
use crate::model::spec::{DOCKER_IMAGE, SpecTag};
use crate::report::display_path;
use crate::tag::{self, Dest, Options};
use crate::write::spec_tag::{NewSpecTag, TagChange};
use crate::write::{FileEdit, Snapshot, Transaction, unified_diff};

pub fn run(args: TagArgs, global: &Global) -> Exit {
    match tag_files(args, global) {
        Ok(()) => Exit::Clean,
        Err(e) => {
            eprintln!("streamlock: {e}");
            Exit::Failure
        }
    }
}

fn tag_files(args: TagArgs, global: &Global) -> Result<(), String> {
    let options = options(&args)?;
    let cluster = Cluster::for_paths(&args.cluster, &args.paths)?;
    let mut repository = Repository::read(&args.paths)?;
    let (source, dest_args) = match (args.delete, args.args.split_first()) {
        (true, _) => (None, &args.args[..]),
        (false, Some((source, dests))) if !dests.is_empty() => (Some(source), dests),
        _ => {
            return Err("you must specify a source and at least one destination or one or more tags to delete".into());
        }
    };
    let dests = dest_args
        .iter()
        .map(|d| Dest::parse(d, &options.namespace))
        .collect::<Result<Vec<_>, _>>()?;
    let source = match source {
        Some(arg) => {
            let source = tag::resolve_source(arg, &options, &repository)?;
            tag::validate(&source, &dests, &options, &repository)?;
            Some(source)
        }
        None => None,
    };
    // Edits accumulate per file; each one is planned against the text the previous ones left.
    let mut originals: Vec<(PathBuf, String)> = Vec::new();
    let mut messages = Vec::new();
    for dest in &dests {
        let namespace = Some(dest.namespace.as_str()).filter(|n| !n.is_empty());
        let found = repository.find(namespace, &dest.stream)?;
        let path = found.path().to_path_buf();
        let (change, message) = match &source {
            Some(source) => {
                let (spec, message) = tag::spec_tag(source, dest, &options);
                let old = Described::new(found.object.node)
                    .spec_tag(&dest.tag)
                    .cloned();
                admitted(&cluster, old.as_ref(), &spec, dest)?;
                (TagChange::Set(spec), message)
            }
            None => {
                let stream = Described::new(found.object.node);
                let ns = if dest.namespace.is_empty() {
                    stream.namespace()
                } else {
                    &dest.namespace
                };
                let shown = format!("{}:{}", dest.stream, dest.tag);
                let shown = if ns.is_empty() {
                    shown
                } else {
                    format!("{ns}/{shown}")
                };
                (
                    TagChange::Delete(dest.tag.clone()),
                    format!("Deleted tag {shown}."),
                )
            }
        };
        let text = FileEdit::new(found.file)
            .and_then(|mut edit| {
                edit.change_tag(&found.object, &change)?;
                edit.finish()
            })
            .map_err(|e| e.to_string())?;
        if !originals.iter().any(|(p, _)| *p == path) {
            originals.push((path.clone(), found.file.source.text.clone()));
        }
        let source = Source::new(&path, text);
        let parsed = parse::parse(&source, parse::Limits::default());
        if let Some(slot) = repository
            .files
            .iter_mut()
            .find(|f| f.source.path() == path)
        {
            *slot = LoadedFile { source, parsed };
        }
        messages.push((message, path));
    }
    let new_text = |path: &PathBuf| {
        repository
            .files
            .iter()
            .find(|f| f.source.path() == path)
            .map_or("", |f| f.source.text.as_str())
    };
    if args.dry_run {
        for (path, original) in &originals {
            print(&unified_diff(&display_path(path), original, new_text(path)));
        }
        return Ok(());
    }
    let mut transaction = Transaction::new();
    for (path, original) in &originals {
        transaction
            .stage(
                path,
                Snapshot(Some(original.as_bytes().to_vec())),
                new_text(path).as_bytes(),
            )
            .map_err(|e| e.to_string())?;
    }
    transaction.commit().map_err(|e| e.to_string())?;
    for (message, path) in messages {
        print(&format!("{message}\n"));
        if !global.quiet {
            eprintln!("edited {}", display_path(&path));
        }
    }
    Ok(())
}

/// oc's flag checks.
fn options(args: &TagArgs) -> Result<Options, String> {
    if args.delete {
        if args.alias {
            return Err("--alias and --delete may not be both specified".into());
        }
        if args.source.is_some() {
            return Err("cannot specify a source kind when deleting".into());
        }
        if args.scheduled || args.insecure {
            return Err("cannot set flags for importing images when deleting a tag".into());
        }
        if args.import_mode.as_ref().is_some_and(|m| !m.is_empty()) {
            return Err("cannot specify an import mode when deleting".into());
        }
    }
    if !matches!(args.reference_policy.as_str(), "source" | "local") {
        return Err("reference policy must be set to 'source' or 'local'".into());
    }
    // oc tag's Validate sends `Legacy` when no mode is given, whatever the cluster's default.
    let import_mode = match args.import_mode.as_deref() {
        None | Some("") => "Legacy",
        Some(mode @ ("Legacy" | "PreserveOriginal")) => mode,
        Some(_) => return Err("valid ImportMode values are Legacy or PreserveOriginal".into()),
    };
    Ok(Options {
        alias: args.alias,
        scheduled: args.scheduled,
        reference: args.reference,
        insecure: args.insecure,
        source_kind: args.source.clone(),
        reference_policy: args.reference_policy.clone(),
        import_mode: import_mode.to_owned(),
        namespace: args.namespace.clone().unwrap_or_default(),
    })
}

/// The API server's whitelist check of the ImageStreamTag `oc tag` sends (validation.go
/// `ValidateImageStreamTagUpdateWithWhitelister`): a DockerImage source must be allowed, unless the
/// tag already named that repository. Only `--insecure` widens the ports (the ImageStreamTag carries
/// no insecure-repository annotation).
fn admitted(
    cluster: &Cluster,
    old: Option<&SpecTag>,
    new: &NewSpecTag,
    dest: &Dest,
) -> Result<(), String> {
    let Some(whitelist) = &cluster.whitelist else {
        return Ok(());
    };
    if new.from.kind != DOCKER_IMAGE {
        return Ok(());
    }
    let whitelist = match old
        .and_then(|t| t.from.as_ref())
        .filter(|f| f.kind == DOCKER_IMAGE)
    {
        Some(from) => whitelist.allowing_repository_of(&from.name),
        None => whitelist.clone(),
    };
    let Ok(source) = reference::parse(&new.from.name) else {
        return Ok(());
    };
    let transport = Transport::for_insecure(new.import_policy.insecure);
    whitelist.admit(&source, transport).map_err(|why| {
        format!(
            "ImageStreamTag.image.openshift.io \"{}:{}\" is invalid: tag.from.name: Forbidden: {why}",
            dest.stream, dest.tag
        )
    })
}
