//! Listing a repository's tags (`GET /v2/<name>/tags/list`), for imports of
//! `spec.dockerImageRepository`.
//!
//! Pages are asked for with `n` and followed through the `Link` header, as distribution's client does
//! (distribution/distribution, registry/client/repository.go `tags.All`: the part of the first
//! `Link` value before `;`, without `<>`, resolved against the page's URL). Every answer is bounded:
//! a listing over [`MAX_PAGES`] pages or [`MAX_LIST_BYTES`] bytes fails as a whole, never cut short.
//! The next page must stay on the same registry and the same `/v2/<name>/tags/list` path, so a
//! `Link` can never send the request (and its credentials) elsewhere.
//!
//! Tag lists are read from the source registry only: the importer lists through a client without
//! mirrors (openshift-apiserver importer.go `importRepositoryFromDocker`: `retriever.Repository`,
//! not `getPullSources`), while each listed tag's manifest goes through the mirrors like any tag.
//! Where a mirror rule for tags says `NeverContactSource`, the source is not contacted for its list
//! either: the listing fails, nothing recorded (a cluster kept from the source fails it too).

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use super::client::Counter;
use super::error::{LookupError, from_error_body};
use super::mirrors::places;
use super::once::once_each;
use super::resolver::{Inner, Resolver};
use super::{Outcome, Reason};
use crate::sanitize;

/// Tags asked for per page. Registries may send fewer (Docker Hub caps pages at 100).
pub const PAGE_SIZE: usize = 1000;
/// Most pages followed for one repository: at the page size, far more tags than the importer takes.
pub const MAX_PAGES: usize = 200;
/// Most bytes of tag-list bodies read for one repository, all pages together.
pub const MAX_LIST_BYTES: usize = 16 << 20;

/// One repository whose tags to list. Equal when they list the same tags the same way, however
/// the repository is spelt (`display`): each is listed once.
#[derive(Clone, Debug)]
pub struct Listing {
    /// `host[:port]` to contact; Docker Hub already mapped to `registry-1.docker.io`.
    pub registry: String,
    /// `namespace/name` as in `/v2/<name>/tags/list`.
    pub repository: String,
    /// The stream's `openshift.io/image.insecureRepository` annotation.
    pub insecure: bool,
    /// The repository as OpenShift names it in messages.
    pub display: String,
}

impl Listing {
    fn key(&self) -> (&str, &str, bool) {
        (&self.registry, &self.repository, self.insecure)
    }
}

impl PartialEq for Listing {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Listing {}

impl std::hash::Hash for Listing {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// What a listing came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listed {
    /// Every tag, `""` read as `latest`, without duplicates, in byte order.
    Tags(Vec<String>),
    /// The registry's answer about the repository (unknown, access denied, a malformed list).
    Failed { reason: Reason, message: String },
    /// Nothing was learnt about the repository (network, 5xx, a limit, …).
    Inconclusive { cause: String, fix: String },
}

/// A listing's outcome and the requests it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingResult {
    pub listed: Listed,
    pub requests: u32,
}

impl Resolver {
    /// Lists every repository, the same one once however often it appears (its requests counted on
    /// the first copy); repositories are listed in parallel under the same limits as lookups, pages
    /// of one repository in order (each page names the next). Answers come back in the same order.
    pub async fn list_all(&self, listings: Vec<Listing>) -> Vec<ListingResult> {
        let work = |listing: Listing| {
            let inner = self.inner.clone();
            async move { list(&inner, &listing).await }
        };
        let aborted = |why: String| ListingResult {
            listed: Listed::Inconclusive {
                cause: format!("tag listing aborted: {why}"),
                fix: "an internal task failed; run again".into(),
            },
            requests: 0,
        };
        once_each(&listings, work, aborted, |answer| answer.requests = 0).await
    }
}

async fn list(inner: &Arc<Inner>, listing: &Listing) -> ListingResult {
    let count = Counter::default();
    let result = list_pages(inner, listing, &count).await;
    ListingResult {
        listed: match result {
            Ok(tags) => Listed::Tags(tags),
            Err(err) => listing_failure(err, &listing.display),
        },
        requests: count.get(),
    }
}

/// Every page of the listing, in order, each page naming the next.
async fn list_pages(
    inner: &Arc<Inner>,
    listing: &Listing,
    count: &Counter,
) -> Result<Vec<String>, LookupError> {
    let (host, repository) = (&listing.registry, &listing.repository);
    if places(&inner.mirrors, host, repository, false)
        .iter()
        .all(|place| place.mirror)
    {
        return Err(LookupError::inconclusive(
            format!(
                "the tags of {host}/{repository} are listed at the source only, as the importer lists them, and a mirror rule says NeverContactSource"
            ),
            "list the tags you use in spec.tags (their manifests are looked up through the mirrors)",
        ));
    }
    let insecure = listing.insecure || inner.insecure_registries.contains(host);
    let registry = inner.registry(host, insecure);
    if let Some(why) = registry.quota.exhausted(registry.host()) {
        return Err(LookupError::inconclusive(
            why,
            "wait for the quota to reset, or log in to the registry to raise it",
        ));
    }
    // Registry permit first, as for lookups: waiting for a busy registry holds no global slot.
    let _registry_permit = registry.permits.acquire().await.ok();
    let _global_permit = inner.jobs.acquire().await.ok();
    let mut pages = Pages::new(host, repository);
    loop {
        let reply = registry
            .get(&inner.http, repository, &pages.path(), count)
            .await?;
        if reply.status != 200 {
            let err = from_error_body(reply.status, &reply.body);
            let refused_n = matches!(&err, LookupError::Registry(text) if text.starts_with("pagination number invalid"));
            if refused_n && pages.without_page_size() {
                continue;
            }
            return Err(err);
        }
        if !pages.read(&reply.body, reply.header("link"))? {
            return Ok(pages.finish());
        }
    }
}

/// The importer's words for a listing that failed (importer.go `importRepositoryFromDocker`):
/// NAME_UNKNOWN is the repository not found, UNAUTHORIZED no access, anything else its own text.
fn listing_failure(err: LookupError, display: &str) -> Listed {
    let named_unknown =
        matches!(&err, LookupError::Registry(text) if text.starts_with("name unknown"));
    let err = if named_unknown {
        LookupError::ManifestUnknown
    } else {
        err
    };
    match err.into_outcome(display) {
        Outcome::Failed { reason, message } => Listed::Failed { reason, message },
        Outcome::Inconclusive { cause, fix } => Listed::Inconclusive { cause, fix },
        Outcome::Found { .. } => Listed::Inconclusive {
            cause: "a tag list came back as an image".into(),
            fix: "run again".into(),
        },
    }
}

/// The pages of one listing: where the next one is, and what has been read.
pub struct Pages {
    host: String,
    repository: String,
    /// The query of the next page.
    query: String,
    queries: HashSet<String>,
    pages: usize,
    bytes: usize,
    tags: BTreeSet<String>,
}

impl Pages {
    pub fn new(host: &str, repository: &str) -> Self {
        let query = format!("n={PAGE_SIZE}");
        Pages {
            host: host.to_owned(),
            repository: repository.to_owned(),
            queries: HashSet::from([query.clone()]),
            query,
            pages: 0,
            bytes: 0,
            tags: BTreeSet::new(),
        }
    }

    /// `<name>/tags/list?<query>` of the next page, below `/v2/`.
    pub fn path(&self) -> String {
        if self.query.is_empty() {
            format!("{}/tags/list", self.repository)
        } else {
            format!("{}/tags/list?{}", self.repository, self.query)
        }
    }

    /// Asks for the first page again without `n`, as the importer asks, when the registry refused
    /// our page size (distribution answers PAGINATION_NUMBER_INVALID for an `n` over its configured
    /// `maxtags`); `false` once a page was read or `n` already dropped.
    pub fn without_page_size(&mut self) -> bool {
        if self.pages > 0 || self.query.is_empty() {
            return false;
        }
        self.query.clear();
        true
    }

    /// Reads one page; `Ok(true)` when another page follows.
    pub fn read(&mut self, body: &[u8], link: Option<&str>) -> Result<bool, LookupError> {
        self.pages += 1;
        self.bytes = self.bytes.saturating_add(body.len());
        let over = if self.bytes > MAX_LIST_BYTES {
            Some(format!("over {MAX_LIST_BYTES} bytes"))
        } else if self.pages >= MAX_PAGES && link.is_some() {
            Some(format!("over {MAX_PAGES} pages"))
        } else {
            None
        };
        if let Some(over) = over {
            return Err(LookupError::inconclusive(
                format!(
                    "the tag list of {}/{} is {over}: no tag of it is imported",
                    self.host, self.repository
                ),
                "a repository this large cannot be imported whole: list the tags you use in spec.tags",
            ));
        }
        for tag in parse_tag_list(body).map_err(LookupError::registry)? {
            self.tags.insert(tag);
        }
        let Some(link) = link else {
            return Ok(false);
        };
        let query = next_page(link, &self.host, &self.repository)
            .map_err(|why| LookupError::registry(format!("tag list: {why}")))?;
        if !self.queries.insert(query.clone()) {
            return Err(LookupError::registry(format!(
                "tag list: the Link header leads back to a page already read ({})",
                sanitize::line(&query)
            )));
        }
        self.query = query;
        Ok(true)
    }

    /// The tags read, `""` as `latest` (importer.go: "some images on the Hub have empty tags"),
    /// without duplicates, in byte order (`sets.String.List`).
    pub fn finish(mut self) -> Vec<String> {
        if self.tags.remove("") {
            self.tags.insert("latest".to_owned());
        }
        self.tags.into_iter().collect()
    }
}

/// The tags of one tag-list page (`{"name": …, "tags": [...]}`; `null` or no `tags` is none).
/// Every tag must be a valid tag (or empty, which the importer reads as `latest`): a name that
/// could not be pulled, nor written as a status tag, is a malformed list.
pub fn parse_tag_list(body: &[u8]) -> Result<Vec<String>, String> {
    #[derive(serde::Deserialize)]
    struct Page {
        #[serde(default)]
        tags: Option<Vec<String>>,
    }
    let page: Page = serde_json::from_slice(body).map_err(|e| {
        format!(
            "tag list is not the JSON of a tag list: {}",
            sanitize::line(&e.to_string())
        )
    })?;
    let tags = page.tags.unwrap_or_default();
    if let Some(bad) = tags.iter().find(|t| !t.is_empty() && !valid_tag(t)) {
        let shown: String = bad.chars().take(80).collect();
        return Err(format!(
            "tag list names an invalid tag {:?}",
            sanitize::line(&shown)
        ));
    }
    Ok(tags)
}

/// distribution's tag grammar: `[\w][\w.-]{0,127}`.
fn valid_tag(tag: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    tag.len() <= 128
        && tag.chars().next().is_some_and(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-')
}

/// The query of the next page from a `Link` header value (`</v2/<name>/tags/list?…>; rel="next"`),
/// or why it cannot be followed. Like distribution's client, only the first value's target counts;
/// unlike it, the target must be this registry's tag list of this repository (a relative path, or
/// an absolute URL on `host`) with a query of plain URL characters.
pub fn next_page(link: &str, host: &str, repository: &str) -> Result<String, String> {
    const MAX_LINK: usize = 4096;
    if link.len() > MAX_LINK {
        return Err(format!(
            "the Link header is over {MAX_LINK} bytes; nothing past the first pages was read"
        ));
    }
    let shown = || sanitize::line(link);
    let target = link
        .split([',', ';'])
        .next()
        .map(str::trim)
        .and_then(|t| t.strip_prefix('<'))
        .and_then(|t| t.strip_suffix('>'))
        .ok_or_else(|| format!("cannot read the Link header {:?}", shown()))?;
    let path = match target.split_once("://") {
        Some((scheme, rest)) if scheme == "https" || scheme == "http" => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if !authority.eq_ignore_ascii_case(host) {
                return Err(format!(
                    "the Link header {:?} leads to another host than {host}",
                    shown()
                ));
            }
            path
        }
        Some(_) => return Err(format!("the Link header {:?} is not HTTP", shown())),
        None => target,
    };
    let want = format!("/v2/{repository}/tags/list?");
    let query = path
        .strip_prefix(&want)
        .ok_or_else(|| format!("the Link header {:?} leads away from {want}", shown()))?;
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~%&=+".contains(c);
    if query.is_empty() || !query.chars().all(plain) {
        return Err(format!(
            "the Link header {:?} has an unexpected query",
            shown()
        ));
    }
    Ok(query.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "registry.example:5000";
    const REPO: &str = "team/app";

    #[test]
    fn links_as_registries_send_them() {
        let cases = [
            (
                "</v2/team/app/tags/list?last=b&n=2>; rel=\"next\"",
                "last=b&n=2",
            ),
            (
                "<https://registry.example:5000/v2/team/app/tags/list?n=100&last=v1.2.3>; rel=\"next\"",
                "n=100&last=v1.2.3",
            ),
            (
                "  </v2/team/app/tags/list?last=a%2Fb&n=50>;rel=next, </v2/x>; rel=\"prev\"",
                "last=a%2Fb&n=50",
            ),
        ];
        for (link, want) in cases {
            assert_eq!(next_page(link, HOST, REPO).as_deref(), Ok(want), "{link}");
        }
    }

    #[test]
    fn hostile_links_are_refused_with_a_reason() {
        let long = format!("</v2/team/app/tags/list?last={}>", "a".repeat(5000));
        let cases = [
            ("", "cannot read"),
            ("<>", "leads away"),
            ("</v2/team/app/tags/list?last=b", "cannot read"),
            ("/v2/team/app/tags/list?last=b>", "cannot read"),
            (
                "<https://evil.example/v2/team/app/tags/list?n=1>",
                "another host",
            ),
            (
                "<https://registry.example:5000@evil.example/v2/team/app/tags/list?n=1>",
                "another host",
            ),
            ("<//evil.example/v2/team/app/tags/list?n=1>", "leads away"),
            (
                "<ftp://registry.example:5000/v2/team/app/tags/list?n=1>",
                "not HTTP",
            ),
            ("</v2/team/other/tags/list?n=1>", "leads away"),
            (
                "</v2/team/app/tags/list/../../../other/tags/list?n=1>",
                "leads away",
            ),
            ("</v2/team/app/blobs/sha256:00?n=1>", "leads away"),
            ("</v2/team/app/tags/list?>", "unexpected query"),
            ("</v2/team/app/tags/list?n=1#frag>", "unexpected query"),
            (
                "</v2/team/app/tags/list?n=1\r\nX-Evil: 1>",
                "unexpected query",
            ),
            ("</v2/team/app/tags/list?n=1 2>", "unexpected query"),
            ("</v2/team/app/tags/list?last=\u{202e}>", "unexpected query"),
            (long.as_str(), "over 4096 bytes"),
        ];
        for (link, want) in cases {
            let err = next_page(link, HOST, REPO).expect_err(link);
            assert!(err.contains(want), "{link:?}: {err}");
            assert!(!err.contains(['\r', '\n', '\u{202e}']), "{err:?}");
        }
    }

    #[test]
    fn tag_list_bodies() {
        let ok = [
            (
                &br#"{"name":"team/app","tags":["b","a",""]}"#[..],
                vec!["b", "a", ""],
            ),
            (br#"{"name":"team/app","tags":null}"#, vec![]),
            (br#"{"name":"team/app"}"#, vec![]),
        ];
        for (body, want) in ok {
            assert_eq!(parse_tag_list(body).unwrap(), want);
        }
        let bad = [
            (&br#"{"tags":["../x"]}"#[..], "invalid tag"),
            (br#"{"tags":["-a"]}"#, "invalid tag"),
            (br#"{"tags":[1]}"#, "not the JSON"),
            (br#"<html>"#, "not the JSON"),
            (br#"{"tags":"a"}"#, "not the JSON"),
        ];
        for (body, want) in bad {
            let err = parse_tag_list(body).expect_err(want);
            assert!(err.contains(want), "{err}");
        }
        let long = format!(r#"{{"tags":["{}"]}}"#, "a".repeat(129));
        assert!(parse_tag_list(long.as_bytes()).is_err());
    }

    #[test]
    fn pages_follow_links_and_fail_at_their_limits() {
        let mut pages = Pages::new(HOST, REPO);
        assert_eq!(pages.path(), format!("team/app/tags/list?n={PAGE_SIZE}"));
        let next = Some("</v2/team/app/tags/list?last=b&n=2>; rel=\"next\"");
        assert_eq!(pages.read(br#"{"tags":["b",""]}"#, next), Ok(true));
        assert_eq!(pages.path(), "team/app/tags/list?last=b&n=2");
        // A registry that sends the same page again would loop for ever.
        let err = pages.read(br#"{"tags":["c"]}"#, next).unwrap_err();
        assert!(err.short().contains("already read"), "{err:?}");

        let mut pages = Pages::new(HOST, REPO);
        assert!(pages.without_page_size());
        assert_eq!(pages.path(), "team/app/tags/list");
        assert!(!pages.without_page_size(), "once");
        assert_eq!(
            pages.read(br#"{"tags":["b","latest",""]}"#, None),
            Ok(false)
        );
        assert_eq!(pages.finish(), ["b", "latest"]);

        let mut pages = Pages::new(HOST, REPO);
        let mut result = Ok(true);
        for i in 0..MAX_PAGES {
            let link = format!("</v2/team/app/tags/list?last=t{i}&n=1>");
            result = pages.read(br#"{"tags":["t"]}"#, Some(&link));
            if result.is_err() {
                break;
            }
        }
        let err = result.unwrap_err();
        assert!(!err.recorded());
        assert!(
            err.short().contains(&format!("over {MAX_PAGES} pages")),
            "{err:?}"
        );

        let mut pages = Pages::new(HOST, REPO);
        let big = vec![b' '; MAX_LIST_BYTES + 1];
        let err = pages.read(&big, None).unwrap_err();
        assert!(err.short().contains("bytes"), "{err:?}");
    }
}
