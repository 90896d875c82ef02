//! Stage 7, the file side: lossless status edits, `--pin` edits, `tag`'s spec tag edits, `--status-dir`
//! files, diffs and atomic replacement.
//!
//! Edits are splices over the loader's byte spans rather than a re-serialised tree: the same code edits
//! YAML and JSON, and every byte outside a replaced block is copied, never regenerated. Each edited file is
//! checked twice before it may be written: the bytes outside the splices are compared with the original,
//! and the new text is parsed again and must give back exactly the status, pin or tags that were asked
//! for. [`FileEdit`] is the one engine for all three: it refuses unsafe files, applies the splices and
//! reads them back.

pub mod atomic;
pub mod diff;
pub mod edit;
mod json;
pub mod readback;
pub mod render;
mod scalar;
mod shape;
pub mod spec_tag;
mod splice;
mod text;
mod yaml;

pub use atomic::{Snapshot, StagedFile, Transaction, TransactionError, write_atomic};
pub use diff::unified_diff;
pub use edit::{EditError, FileEdit};
pub use readback::read_status;
pub use render::{
    SharedStatusFile, StatusPathError, shared_status_files, status_document, status_path,
};
