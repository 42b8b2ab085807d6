//! The few pictograms the pages use, as inline SVG: view (an eye), download (a tray with an
//! arrow), details (an envelope, as in the seed's screens). Always next to a text for screen
//! readers; the drawing itself is hidden from them.

use maud::{Markup, PreEscaped, html};

/// One 20×20 pictogram drawn with strokes in the text colour.
fn icon(paths: &str) -> Markup {
    html! {
        svg.icon xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="20" height="20"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
            stroke-linejoin="round" aria-hidden="true" focusable="false" {
            (PreEscaped(paths))
        }
    }
}

/// An eye: open the document in the browser.
pub fn view() -> Markup {
    icon(
        r#"<path d="M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12z"/><circle cx="12" cy="12" r="3"/>"#,
    )
}

/// A tray with an arrow into it: save the file.
pub fn download() -> Markup {
    icon(r#"<path d="M12 3v12"/><path d="M7 10l5 5 5-5"/><path d="M4 17v3h16v-3"/>"#)
}

/// An envelope: what the file is and where it came from.
pub fn details() -> Markup {
    icon(r#"<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>"#)
}
