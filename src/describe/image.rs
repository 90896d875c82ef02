//! The registry half of `oc describe istag` (DescribeImage after the annotations, and
//! describeDockerImage): size and layers, created, author, architecture, a list's platforms, and the
//! run configuration — from the manifest and config `describe --remote` read.
//!
//! The numbers are the API server's: an image's size is its config blob plus each distinct layer
//! (InternalImageWithMetadata), and a list has no layers, a size of 0 and the import time as its
//! creation time (manifestListToImage).

use std::collections::BTreeMap;
use std::fmt::Write;

use jiff::Timestamp;

use super::duration::{ago, human_duration};
use super::stream::{format_map, format_string};
use crate::registry::{ContainerConfig, Content, Image, Inspected};

/// Appends the image metadata lines (unaligned) for `inspected`. `imported` is when the tag's image
/// was recorded (the tag event's `created`; empty for now), the creation time a list is given.
pub fn format_image(out: &mut String, inspected: &Inspected, imported: &str, now: Timestamp) {
    let empty = ContainerConfig::default();
    match &inspected.content {
        Content::Image(image) => {
            let layers: Vec<String> = image
                .layers
                .iter()
                .map(|l| format!("{}\t{}", human_size(l.size), l.digest))
                .collect();
            let size = human_size(image_size(image));
            if layers.is_empty() {
                format_string(out, "Layer Size", &size);
            } else {
                format_string(
                    out,
                    "Image Size",
                    &format!("{size} in {} layers", layers.len()),
                );
                format_string(out, "Layers", &layers.join("\n"));
            }
            let created = image.config.created.as_deref().unwrap_or("");
            format_string(out, "Image Created", &ago(now, created));
            format_string(out, "Author", &image.config.author);
            format_string(out, "Arch", &image.config.architecture);
            format_run_config(out, image.config.config.as_ref().unwrap_or(&empty));
        }
        Content::List(manifests) => {
            format_string(out, "Layer Size", &human_size(0));
            let created = if imported.is_empty() {
                format!("{} ago", human_duration(0))
            } else {
                ago(now, imported)
            };
            format_string(out, "Image Created", &created);
            format_string(out, "Author", "");
            format_string(out, "Arch", "");
            let lines: Vec<String> = manifests
                .iter()
                .map(|m| format!("{}/{}\t{}", m.os, m.architecture, m.digest))
                .collect();
            format_string(out, "Manifests", &lines.join("\n"));
            format_run_config(out, &empty);
        }
    }
}

/// The server's image size: the config blob, then every layer once (a layer listed twice, or equal
/// to the config, counts once).
fn image_size(image: &Image) -> u64 {
    let mut seen = vec![image.config_digest.as_str()];
    let mut size = image.config_size;
    for layer in &image.layers {
        if !seen.contains(&layer.digest.as_str()) {
            seen.push(&layer.digest);
            size = size.saturating_add(layer.size);
        }
    }
    size
}

/// describeDockerImage: the command line, user, ports, labels, environment and volumes.
fn format_run_config(out: &mut String, config: &ContainerConfig) {
    let entrypoint = config.entrypoint.as_deref().unwrap_or_default();
    let cmd = config.cmd.as_deref().unwrap_or_default();
    if !entrypoint.is_empty() {
        format_string(out, "Entrypoint", &entrypoint.join(" "));
    }
    if !cmd.is_empty() || entrypoint.is_empty() {
        format_string(out, "Command", &cmd.join(" "));
    }
    format_string(out, "Working Dir", &config.working_dir);
    format_string(out, "User", &config.user);
    let ports: Vec<&str> = config
        .exposed_ports
        .iter()
        .flat_map(BTreeMap::keys)
        .map(String::as_str)
        .collect();
    format_string(out, "Exposes Ports", &ports.join(", "));
    format_map(
        out,
        "Docker Labels",
        config.labels.as_ref().unwrap_or(&BTreeMap::new()),
    );
    // Environment and Volumes: one per line, and no line at all when there are none.
    for (label, values) in [
        (
            "Environment",
            config.env.iter().flatten().collect::<Vec<_>>(),
        ),
        (
            "Volumes",
            config.volumes.iter().flat_map(BTreeMap::keys).collect(),
        ),
    ] {
        for (i, value) in values.iter().enumerate() {
            if i == 0 {
                format_string(out, label, value);
            } else {
                let _ = writeln!(out, "\t{value}");
            }
        }
    }
}

/// docker/go-units `HumanSize`: decimal units and Go's `%.4g` (4 significant digits, no trailing
/// zeros).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    // The exponent after rounding to 4 digits decides how many decimals remain (999.95 → "1000").
    let scientific = format!("{size:.3e}");
    let exponent: i32 = scientific
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let decimals = usize::try_from(3 - exponent).unwrap_or(0);
    let mut text = format!("{size:.decimals$}");
    if text.contains('.') {
        text.truncate(text.trim_end_matches('0').trim_end_matches('.').len());
    }
    format!("{text}{}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Layer;

    #[test]
    fn sizes_as_go_units_prints_them() {
        let cases = [
            (0, "0B"),
            (999, "999B"),
            (1000, "1kB"),
            (1500, "1.5kB"),
            (12_345, "12.35kB"),
            (999_950, "1000kB"),
            (1_234_567, "1.235MB"),
            (78_352_190, "78.35MB"),
            (100_000_000, "100MB"),
            (u64::MAX, "18.45EB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(human_size(bytes), want, "{bytes}");
        }
    }

    #[test]
    fn size_counts_the_config_and_each_layer_once() {
        let layer = |d: &str, size| Layer {
            digest: d.into(),
            size,
        };
        let image = Image {
            config_digest: "c".into(),
            config_size: 10,
            layers: vec![
                layer("a", 100),
                layer("b", 1000),
                layer("a", 100),
                layer("c", 5),
            ],
            config: Default::default(),
        };
        assert_eq!(image_size(&image), 1110);
    }
}
