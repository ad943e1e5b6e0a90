//! Embedded files: the built dashboard bundle and the demo workshop (rust-embed of `assets/`).

use rust_embed::RustEmbed;

/// Everything under `assets/`, compiled into the binary.
#[derive(RustEmbed)]
#[folder = "assets/"]
pub struct Assets;

/// The bytes of an embedded file, by path under `assets/`.
pub fn get(path: &str) -> Option<std::borrow::Cow<'static, [u8]>> {
    Assets::get(path).map(|file| file.data)
}
