//! Command-line definitions (clap). Behaviour lives in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Output;

#[derive(Debug, Parser)]
#[command(
    name = "streamlock",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("STREAMLOCK_COMMIT"), ")"),
    about = "Lint, import and pin OpenShift ImageStream manifests in Git",
    long_about = "streamlock finds every ImageStream in a repository, lints it with the API server's own rules, \
                  resolves each tag against its registry to a pinned digest the way OpenShift's importer would, \
                  and writes the result back for review.",
    after_help = "Examples:\n  streamlock lint\n  streamlock lint deploy/ --format github,sarif=lint.sarif\n  \
                  streamlock import --check --offline\n  streamlock import --scheduled --write --summary pr.md\n\n\
                  Exit codes: 0 nothing to report, 1 findings (lint errors, status out of date, failed imports), \
                  2 could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: Global,
}

#[derive(Debug, Args)]
pub struct Global {
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    /// Print only findings (no summary or info lines).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more about what is being done (repeat for debug logs; STREAMLOCK_LOG sets a filter).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check ImageStream manifests against the API server's rules and streamlock's advice.
    #[command(
        after_help = "Examples:\n  streamlock lint\n  streamlock lint a.yaml b.yaml --format json\n  \
                            streamlock lint --format github,sarif=results.sarif\n  streamlock lint --explain duplicate-tag"
    )]
    Lint(LintArgs),
    /// Resolve spec tags against their registries and record the digests the way OpenShift would.
    #[command(
        after_help = "Examples:\n  streamlock import --diff\n  streamlock import --check --offline          # pre-commit: status up to date?\n  \
                            streamlock import --check                    # PR check: did a tag move?\n  \
                            streamlock import --scheduled --write --summary pr.md   # cron job\n  \
                            streamlock import --write --mirror registry.redhat.io=mirror.local:5000"
    )]
    Import(Box<ImportArgs>),
    /// Show an ImageStream, one of its tags or images the way `oc describe` does, from the files (and the registry).
    #[command(
        after_help = "Examples:\n  streamlock describe is/ruby\n  streamlock describe is/team-a/ruby deploy/\n  \
                            streamlock describe istag/ruby:3.3\n  \
                            streamlock describe istag/ruby:3.3 --remote   # size, layers, command, labels from the registry\n  \
                            streamlock describe isimage/ruby@3f2a9c       # an image of the history, by digest prefix\n\n\
                            Ages are relative to now, or to SOURCE_DATE_EPOCH when it is set."
    )]
    Describe(DescribeArgs),
    /// Add, change or delete a spec tag the way `oc tag` does, editing the file in place.
    #[command(
        after_help = "Examples:\n  streamlock tag quay.io/org/app:1.2 app:1.2 --scheduled\n  \
                            streamlock tag app:1.2 app:prod            # pins prod to 1.2's current image\n  \
                            streamlock tag app:1.2 app:stable --alias  # stable follows 1.2\n  \
                            streamlock tag -d app:old\n\n\
                            SOURCE kinds as in oc: with a registry host it is a DockerImage, with @digest an \
                            ImageStreamImage, with :tag an ImageStreamTag (copied to its current image unless \
                            --alias); --source overrides."
    )]
    Tag(TagArgs),
    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories (default: the current directory). Directories are walked honouring
    /// .gitignore; files named here are always read.
    pub paths: Vec<PathBuf>,
    /// Output formats, comma-separated, each optionally to a file: human, json, github, sarif, junit
    /// (e.g. `github,sarif=lint.sarif`). Default: human.
    #[arg(long, value_delimiter = ',')]
    pub format: Vec<Output>,
    /// Treat a missing metadata.namespace as an error.
    #[arg(long)]
    pub require_namespace: bool,
    /// Also lint ImageStreams inside Templates (`${PARAM}` values are opaque).
    #[arg(long)]
    pub templates: bool,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read settings from this file instead of the nearest .streamlock.yaml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Explain a rule (or list all rules when none is given) and exit.
    #[arg(long, value_name = "RULE", num_args = 0..=1, default_missing_value = "")]
    pub explain: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories (default: the current directory).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub mode: ImportMode,
    /// Also import every scheduled tag (for cron jobs).
    #[arg(long, conflicts_with = "all")]
    pub scheduled: bool,
    /// Import every importable tag.
    #[arg(long)]
    pub all: bool,
    /// Import only this tag: `[NAMESPACE/]STREAM:TAG` (repeatable).
    #[arg(long = "tag", value_name = "STREAM:TAG")]
    pub tags: Vec<String>,
    /// No network: `--check` verifies status consistency; `--write`/`--diff` apply what needs no registry.
    #[arg(long)]
    pub offline: bool,
    /// Rewrite each DockerImage `from.name` to `name:tag@sha256:…`, the digest just imported.
    #[arg(long)]
    pub pin: bool,
    /// Git revision to compare the spec with, to spot edits status cannot show (`app:1.0` → `app:1.1`):
    /// such a tag is looked up. Default: HEAD when in a Git work tree; a PR check passes its base
    /// (e.g. origin/main); `none` compares nothing.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Keep at most N items of history per tag (default: never trim, as OpenShift).
    #[arg(long, value_name = "N")]
    pub history: Option<usize>,
    /// Tags imported from each spec.dockerImageRepository, in the importer's order (default: 50,
    /// the API server's maxImagesBulkImportedPerRepository, or .streamlock.yaml's
    /// `max-repository-tags`); -1 imports every tag.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_repository_tags: Option<i64>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Concurrent registry requests in all (64: two registries at full speed; see BENCHMARKS.md).
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub jobs: usize,
    /// Concurrent requests per registry: streams on one connection where the registry speaks HTTP/2,
    /// kept-alive connections otherwise (32 was 0.69× the time of 16 at 50 ms RTT and no slower on
    /// loopback; more is not polite to public registries).
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub per_registry: usize,
    /// Start manifest lookups at this registry `host[:port]` with a HEAD, where a GET counts as a pull
    /// (repeatable; also `head-first:` in .streamlock.yaml). Docker Hub always gets HEAD first;
    /// elsewhere one GET answers a lookup in one round trip.
    #[arg(long, value_name = "HOST")]
    pub head_first: Vec<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Write a Markdown summary (for a PR body or job summary) to FILE.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write the JSON report to FILE, whatever --format is.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Output on stdout: human or json.
    #[arg(long, value_enum, default_value_t = ImportFormat::Human)]
    pub format: ImportFormat,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read settings from this file instead of the nearest .streamlock.yaml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The cluster the files target: shared by every command, so each reads the same context.
#[derive(Debug, Default, Args)]
pub struct ClusterArgs {
    /// The cluster's Image config (`config.openshift.io/v1` Image `cluster`), mirror sets and the
    /// additionalTrustedCA ConfigMap (repeatable; instead of `cluster-config:` in .streamlock.yaml and
    /// of such objects among the input files).
    #[arg(long, value_name = "FILE")]
    pub cluster_config: Vec<PathBuf>,
    /// The control plane's platform, chosen from a manifest list in Legacy mode when the tag has no
    /// preference (default: `platform:` in .streamlock.yaml, else linux/amd64).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

/// How to reach registries: shared by every command that talks to one, so they all build the engine
/// the same way.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// Seconds before one request is given up (then retried).
    #[arg(long, value_name = "S", default_value_t = 30)]
    pub timeout: u64,
    /// Retries of a request after 429, 5xx, a timeout or a reset. One lookup, waits included, takes at
    /// most --timeout × (--retries + 1).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Seconds the whole run may spend on registries (for a cron job): a lookup not done by then
    /// fails, and nothing is recorded for its tag.
    #[arg(long, value_name = "S")]
    pub deadline: Option<u64>,
    /// Registry credentials file (docker config.json or containers auth.json format).
    #[arg(long, value_name = "FILE")]
    pub auth_file: Option<PathBuf>,
    /// A Kubernetes Secret of type dockerconfigjson or dockercfg (repeatable).
    #[arg(long, value_name = "FILE")]
    pub pull_secret: Vec<PathBuf>,
    /// Registry `host[:port]` to reach without TLS verification, falling back to plain HTTP (repeatable).
    #[arg(long, value_name = "HOST")]
    pub insecure_registry: Vec<String>,
    /// Extra CA certificates (PEM) to trust (repeatable).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Vec<PathBuf>,
    /// ImageDigestMirrorSet / ImageTagMirrorSet / ImageContentSourcePolicy manifests (repeatable).
    #[arg(long, value_name = "FILE")]
    pub mirror_config: Vec<PathBuf>,
    /// A one-off mirror: `SOURCE=MIRROR` (repeatable; for tag and digest references).
    #[arg(long, value_name = "SRC=DST")]
    pub mirror: Vec<String>,
}

/// What `import` does with the new status: exactly one.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ImportMode {
    /// Write the new status into the files, in place.
    #[arg(long)]
    pub write: bool,
    /// Write one status file per stream under DIR/NAMESPACE/NAME.yaml; the manifests stay untouched.
    #[arg(long, value_name = "DIR")]
    pub status_dir: Option<PathBuf>,
    /// Print the unified diff that --write would apply.
    #[arg(long)]
    pub diff: bool,
    /// Exit 1 when anything would change, naming each tag.
    #[arg(long)]
    pub check: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// is/[NAMESPACE/]NAME, istag/[NAMESPACE/]NAME[:TAG] (the tag defaults to latest) or
    /// isimage/[NAMESPACE/]NAME@DIGEST-OR-PREFIX.
    pub target: String,
    /// Files or directories to look in (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// For istag and isimage: also fetch the image's manifest and config from its registry and show its size,
    /// layers, created time, architecture, command, labels and environment (or a list's platforms).
    #[arg(long)]
    pub remote: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// SOURCE then one or more DEST ([NAMESPACE/]STREAM:TAG); with -d only the tags to delete.
    #[arg(required = true, value_name = "SOURCE DEST")]
    pub args: Vec<String>,
    /// Delete the given spec tags (and their status).
    #[arg(short = 'd', long)]
    pub delete: bool,
    /// Make DEST track SOURCE (an ImageStreamTag in the same stream) instead of copying its image.
    #[arg(long)]
    pub alias: bool,
    /// Re-import the DockerImage source periodically.
    #[arg(long)]
    pub scheduled: bool,
    /// Keep pulling from the source instead of importing it (`reference: true`).
    #[arg(long)]
    pub reference: bool,
    /// Allow HTTP or an unverified certificate when importing the DockerImage source.
    #[arg(long)]
    pub insecure: bool,
    /// Source kind: imagestreamtag (istag), imagestreamimage (isimage) or docker (dockerimage).
    #[arg(long, value_name = "KIND")]
    pub source: Option<String>,
    /// `source` or `local` (pull through the integrated registry).
    #[arg(long, value_name = "POLICY", default_value = "source")]
    pub reference_policy: String,
    /// Legacy or PreserveOriginal (the whole manifest list).
    #[arg(long, value_name = "MODE")]
    pub import_mode: Option<String>,
    /// The namespace that sources and destinations without one belong to (oc's current project).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// A file or directory to look for the streams in (repeatable; default: the current directory).
    #[arg(short = 'p', long = "path", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the change as a unified diff instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}
