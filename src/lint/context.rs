//! What a rule sees: one stream, the options, and an index of every stream in the linted files
//! (for ImageStreamTag/ImageStreamImage references across streams).

use std::collections::HashMap;

use crate::load::Node;
use crate::model::imagestream::StreamView;
use crate::model::schema::Problem;
use crate::model::spec::StreamSpec;

use super::run::LintOptions;

pub struct Context<'a> {
    pub view: &'a StreamView<'a>,
    pub options: &'a LintOptions,
    pub repo: &'a RepoIndex,
    /// The object's type and unknown-field problems, computed once for the rules that report them.
    pub schema: &'a [Problem],
    /// The stream sits in a Template: `${PARAM}` values are opaque.
    pub in_template: bool,
}

impl Context<'_> {
    pub fn object(&self) -> &Node {
        self.view.object
    }

    pub fn spec(&self) -> &StreamSpec {
        &self.view.spec
    }

    /// A Template parameter placeholder (`${NAME}` or `${{NAME}}`) that only `oc process` fills in.
    pub fn opaque(&self, value: &str) -> bool {
        self.in_template && value.contains("${")
    }
}

/// Every stream in the linted files by name, with the namespaces it was seen in ("" = unset).
#[derive(Debug, Default)]
pub struct RepoIndex {
    streams: HashMap<String, Vec<(String, Vec<String>)>>,
}

impl RepoIndex {
    pub fn add(&mut self, spec: &StreamSpec, status_tags: impl Iterator<Item = String>) {
        let mut tags: Vec<String> = spec.tags.iter().map(|t| t.name.clone()).collect();
        tags.extend(status_tags);
        self.streams
            .entry(spec.meta.name.clone())
            .or_default()
            .push((spec.meta.namespace.clone(), tags));
    }

    /// The tag names of stream `name` as seen from a stream in `namespace` (a reference without a
    /// namespace means the referring stream's own; an unset namespace matches any).
    pub fn tags_of(&self, namespace: &str, name: &str) -> Option<Vec<&str>> {
        let found: Vec<&str> = self
            .streams
            .get(name)?
            .iter()
            .filter(|(ns, _)| ns.is_empty() || namespace.is_empty() || ns == namespace)
            .flat_map(|(_, tags)| tags.iter().map(String::as_str))
            .collect();
        self.streams
            .get(name)?
            .iter()
            .any(|(ns, _)| ns.is_empty() || namespace.is_empty() || ns == namespace)
            .then_some(found)
    }
}
