//! Users' file names as stored metadata: what of a sent name is kept, and the extension that
//! matches what the bytes are.

/// A user's file name as metadata: no directories, no control characters but tab, CR and LF
/// (a browser can send those, and every place a name is shown or sent escapes them), no
/// bidirectional controls (U+202E makes `fdp.exe` read as `exe.pdf`: Unicode TR #36 §2.1),
/// at most 200 characters; otherwise exactly as sent. See [`with_extension_of`] for the
/// extension.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'))
        .filter(|c| !is_bidi_control(*c))
        .take(200)
        .collect();
    cleaned.trim().trim_start_matches('.').trim().to_owned()
}

/// The bidirectional formatting characters (Unicode UAX #9): embeddings, overrides, isolates
/// and marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `name` ending in the extension of `media_type`, the type the bytes were found to be: a
/// PDF called `loon.html` becomes `loon.html.pdf`, so no browser saves it as a web page.
/// Names already ending right (any case; `.jpeg` or `.jpg`) stay as they are.
pub fn with_extension_of(name: &str, media_type: &str) -> String {
    let fitting: &[&str] = match media_type {
        "application/pdf" => &["pdf"],
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg"],
        "application/xml" => &["xml"],
        "text/csv" => &["csv"],
        _ => return name.to_owned(),
    };
    let has = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| fitting.iter().any(|f| ext.eq_ignore_ascii_case(f)));
    if has {
        name.to_owned()
    } else {
        format!("{name}.{}", fitting[0])
    }
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\anja\\ID-kopie.jpg"),
            "ID-kopie.jpg"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\u{1b}c.pdf"), "abc.pdf");
        assert_eq!(
            clean_file_name("Loon \"maart\"\n2026.pdf"),
            "Loon \"maart\"\n2026.pdf"
        );
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        assert_eq!(clean_file_name("   "), "");
        assert_eq!(clean_file_name(&"x".repeat(300)).len(), 200);
        assert_eq!(clean_file_name("loon\u{202E}fdp.exe"), "loonfdp.exe");
        assert_eq!(clean_file_name("a\u{2066}b\u{2069}\u{200F}.pdf"), "ab.pdf");
    }

    #[test]
    fn names_end_in_the_extension_of_what_the_bytes_are() {
        use super::with_extension_of;
        assert_eq!(with_extension_of("x.html", "application/pdf"), "x.html.pdf");
        assert_eq!(with_extension_of("Loon.PDF", "application/pdf"), "Loon.PDF");
        assert_eq!(with_extension_of("id", "image/jpeg"), "id.jpg");
        assert_eq!(with_extension_of("id.jpeg", "image/jpeg"), "id.jpeg");
        assert_eq!(with_extension_of("scan.pdf", "image/png"), "scan.pdf.png");
        assert_eq!(
            with_extension_of("journaal.txt", "text/csv"),
            "journaal.txt.csv"
        );
    }
}
