//! Image ids as `oc` and ImageStreamImage names accept them: a digest or a prefix of one.

/// lg imageutil DigestOrImageMatch: `id` is a prefix of the image's hex digest or of its full name.
pub(crate) fn matches_image(image: &str, id: &str) -> bool {
    let hex = image
        .split_once(':')
        .filter(|(algorithm, hex)| !algorithm.is_empty() && !hex.is_empty())
        .map(|(_, hex)| hex);
    hex.is_some_and(|h| h.starts_with(id)) || image.starts_with(id)
}
