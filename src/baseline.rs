//! The streams as Git has them at a base revision, to see a spec change that status cannot show.
//!
//! Status records the digest and the repository a tag was imported from, never its tag: after
//! `app:1.0` becomes `app:1.1` by hand (or by a dependency bot) the old status still "matches". The
//! server would bump the tag's generation on that edit; in Git nothing does. So the planner compares
//! each tag with the same tag at a base revision (`--since`, default `HEAD`): when the import-relevant
//! spec (`from`, `reference`, `importPolicy`, the platform annotations) differs there while the
//! status entry is the same, the status was not refreshed since the edit, and the tag is looked up
//! (or, for a tag that copies another stream's, copied again).
//!
//! A tag kept as an ImageStreamTag document is compared the same way: the stream's base holds the
//! documents as they were at the base revision.
//!
//! Git is asked once per run (`git cat-file --batch`), and only files whose text differs from the
//! base are parsed again (and the files of ImageStreamTag documents). Outside a Git work tree, or for a file Git does not have at the base, there
//! is nothing to compare and nothing is selected on that account.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::load::{self, Limits, Wrapper};
use crate::model::imagestream::StreamView;
use crate::model::istag::{self, TagDocument};
use crate::model::stream::Stream;
use crate::repo::Repo;

/// Why the base revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("--since {rev}: git could not be run: {source}")]
    Spawn { rev: String, source: std::io::Error },
    #[error("--since {rev}: {message}")]
    Git { rev: String, message: String },
}

/// Reads every file of `repo` at `rev` and attaches each stream's committed self to it
/// ([`Stream::base`]). `explicit`: the user named the revision, so a directory outside Git or an
/// unknown revision is an error; for the default `HEAD` it only means there is nothing to compare.
pub fn attach(repo: &mut Repo, rev: &str, explicit: bool) -> Result<(), BaselineError> {
    let Some(first) = repo.files.first() else {
        return Ok(());
    };
    let dir = parent_dir(&first.source.path);
    let top = match git(&dir, &["rev-parse", "--show-toplevel"], rev) {
        Ok(top) => PathBuf::from(top.trim_end()),
        Err(e) if explicit => return Err(e),
        Err(_) => return Ok(()),
    };
    if let Err(e) = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        rev,
    ) {
        // A repository without commits has no HEAD yet: nothing to compare.
        return if explicit { Err(e) } else { Ok(()) };
    }
    let top = top.canonicalize().unwrap_or(top);
    let mut paths: Vec<Option<String>> = repo
        .files
        .iter()
        .map(|f| relative(&top, &f.source.path))
        .collect();
    // The files of ImageStreamTag documents are asked in the same batch.
    let mut document_files: Vec<&Path> = Vec::new();
    for at in &repo.tag_documents {
        if !document_files.contains(&at.path.as_path()) {
            document_files.push(&at.path);
        }
    }
    paths.extend(document_files.iter().map(|p| relative(&top, p)));
    let mut texts = cat_files(&top, rev, &paths)?;
    let document_texts = texts.split_off(repo.files.len());
    let documents = base_documents(repo, &document_files, document_texts);
    let mut bases: HashMap<(usize, String, String), Stream> = HashMap::new();
    for (index, old) in texts.into_iter().enumerate() {
        let Some(old) = old else { continue };
        let file = &repo.files[index];
        if old == file.source.text {
            continue; // unchanged since the base: no spec change to find
        }
        let Ok(loaded) = load::load_bytes(&file.source.path, old.into_bytes(), Limits::default())
        else {
            continue;
        };
        for found in load::find_objects(&loaded.parsed.documents) {
            if matches!(found.wrapper, Wrapper::Template(_)) {
                continue;
            }
            let view = StreamView::read(found.node);
            let key = (
                index,
                view.spec.meta.namespace.clone(),
                view.spec.meta.name.clone(),
            );
            bases.insert(
                key,
                Stream {
                    spec: view.spec,
                    status: view.status,
                    base: None,
                },
            );
        }
    }
    // A stream whose file is unchanged has itself as its base when one of its documents changed.
    let unchanged: Vec<Option<Stream>> = (0..repo.streams.len())
        .map(|i| {
            if !documents.changed {
                return None;
            }
            Some(Stream {
                spec: StreamView::read(repo.object(i)?.node).spec,
                status: repo.streams[i].stream.status.clone(),
                base: None,
            })
        })
        .collect();
    for (located, unchanged) in repo.streams.iter_mut().zip(unchanged) {
        let meta = &located.stream.spec.meta;
        let key = (located.file, meta.namespace.clone(), meta.name.clone());
        let mut base = bases.remove(&key).or(unchanged);
        if let Some(base) = &mut base {
            istag::merge(&mut base.spec, &documents.at_base);
        }
        located.stream.base = base.map(Box::new);
    }
    Ok(())
}

/// The ImageStreamTag documents at the base revision, and whether any differs from now.
struct BaseDocuments {
    at_base: Vec<TagDocument>,
    changed: bool,
}

/// Reads the documents of each file in `files` from its text at the base (`None`: Git does not
/// have it there, so neither are its documents).
fn base_documents(repo: &Repo, files: &[&Path], texts: Vec<Option<String>>) -> BaseDocuments {
    let mut base = BaseDocuments {
        at_base: Vec::new(),
        changed: false,
    };
    for (path, old) in files.iter().zip(texts) {
        let now: Vec<&TagDocument> = repo
            .tag_documents
            .iter()
            .filter(|at| at.path == *path)
            .map(|at| &at.document)
            .collect();
        let then: Vec<TagDocument> = old
            .and_then(|old| load::load_bytes(path, old.into_bytes(), Limits::default()).ok())
            .map(|loaded| {
                load::find_kind(&loaded.parsed.documents, load::IMAGE_STREAM_TAG)
                    .iter()
                    .filter(|found| !matches!(found.wrapper, Wrapper::Template(_)))
                    .filter_map(|found| TagDocument::read(found.node))
                    .collect()
            })
            .unwrap_or_default();
        base.changed |= now.len() != then.len() || now.iter().zip(&then).any(|(a, b)| *a != b);
        base.at_base.extend(then);
    }
    base
}

fn parent_dir(path: &Path) -> PathBuf {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    absolute
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `path` relative to the work tree's top, as Git names it; `None` outside it.
fn relative(top: &Path, path: &Path) -> Option<String> {
    let absolute = path.canonicalize().ok()?;
    let rel = absolute.strip_prefix(top).ok()?;
    rel.to_str().map(|s| s.replace('\\', "/"))
}

fn git(dir: &Path, args: &[&str], rev: &str) -> Result<String, BaselineError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| BaselineError::Spawn {
            rev: rev.to_owned(),
            source,
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let message = stderr.lines().next().unwrap_or("").trim();
        return Err(BaselineError::Git {
            rev: rev.to_owned(),
            message: if message.is_empty() {
                format!("not a revision of the Git repository at {}", dir.display())
            } else {
                message.to_owned()
            },
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Each path's text at `rev` (`None` when Git has no such file there or it is not UTF-8), from one
/// `git cat-file --batch`.
fn cat_files(
    top: &Path,
    rev: &str,
    paths: &[Option<String>],
) -> Result<Vec<Option<String>>, BaselineError> {
    let spawn_error = |source| BaselineError::Spawn {
        rev: rev.to_owned(),
        source,
    };
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(spawn_error)?;
    // Names are written from another thread: a large answer must not block on a full pipe.
    let mut stdin = child.stdin.take().ok_or_else(|| BaselineError::Git {
        rev: rev.to_owned(),
        message: "git cat-file has no input".into(),
    })?;
    let requests: String = paths
        .iter()
        .map(|p| match p {
            // A path with a newline cannot be asked for on one line; Git has nothing for "".
            Some(p) if !p.contains('\n') => format!("{rev}:{p}\n"),
            _ => format!("{rev}:\n"),
        })
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let stdout = child.stdout.take().ok_or_else(|| BaselineError::Git {
        rev: rev.to_owned(),
        message: "git cat-file has no output".into(),
    })?;
    let mut reader = BufReader::new(stdout);
    let mut texts = Vec::with_capacity(paths.len());
    let broken = |message: &str| BaselineError::Git {
        rev: rev.to_owned(),
        message: format!("git cat-file: {message}"),
    };
    for _ in paths {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(spawn_error)?;
        let mut words = header.split_whitespace();
        let (_, kind, size) = (words.next(), words.next(), words.next());
        let Some(size) = size.and_then(|s| s.parse::<usize>().ok()) else {
            // `<name> missing` (or ambiguous): Git has no such file at the base.
            texts.push(None);
            continue;
        };
        let mut body = vec![0; size + 1]; // the object and its closing newline
        reader.read_exact(&mut body).map_err(spawn_error)?;
        body.pop();
        texts.push(
            (kind == Some("blob"))
                .then(|| String::from_utf8(body).ok())
                .flatten(),
        );
    }
    let _ = writer.join();
    match child.wait() {
        Ok(status) if status.success() => Ok(texts),
        Ok(_) => Err(broken("exited with an error")),
        Err(e) => Err(spawn_error(e)),
    }
}
