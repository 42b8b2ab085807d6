//! Small, real PDF documents for demo data: a page with a header, some facts and a table of
//! amounts, in Helvetica (one of the fonts every PDF reader has, so nothing is embedded).

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

/// What one demo document shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet<'a> {
    /// The issuing party, top left (e.g. the employer).
    pub issuer: &'a str,
    /// The document's title, e.g. "Loonstrook maart 2026".
    pub title: &'a str,
    /// Label–value lines under the title.
    pub facts: &'a [(&'a str, String)],
    /// Label–amount lines of the table, amounts in euro cents.
    pub amounts: &'a [(&'a str, i64)],
}

/// Text as WinAnsi bytes (Latin-1 plus the euro sign); anything else becomes '?'.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => c as u8,
            _ => b'?',
        })
        .collect()
}

/// "€ 3.245,17": Dutch number formatting.
pub fn euro(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("€ {sign}{grouped},{:02}", cents % 100)
}

/// Renders the sheet as a one-page A4 PDF.
pub fn render(sheet: &Sheet<'_>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, pages, page, regular, bold, content_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
        p.parent(pages);
        p.contents(content_id);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
    }
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));

    let mut c = Content::new();
    // A calm band across the top.
    c.set_fill_rgb(0.12, 0.31, 0.47);
    c.rect(0.0, 792.0, 595.0, 50.0);
    c.fill_nonzero();
    c.set_fill_rgb(1.0, 1.0, 1.0);
    text(&mut c, b"F2", 14.0, 50.0, 810.0, sheet.issuer);
    c.set_fill_rgb(0.1, 0.1, 0.1);
    text(&mut c, b"F2", 18.0, 50.0, 750.0, sheet.title);
    let mut y = 720.0;
    for (label, value) in sheet.facts {
        text(&mut c, b"F1", 10.0, 50.0, y, label);
        text(&mut c, b"F1", 10.0, 200.0, y, value);
        y -= 15.0;
    }
    y -= 15.0;
    c.set_line_width(0.5);
    c.move_to(50.0, y + 12.0);
    c.line_to(545.0, y + 12.0);
    c.stroke();
    for (index, (label, cents)) in sheet.amounts.iter().enumerate() {
        let font: &[u8] = if index + 1 == sheet.amounts.len() {
            b"F2"
        } else {
            b"F1"
        };
        text(&mut c, font, 11.0, 50.0, y, label);
        let amount = euro(*cents);
        // Right-aligned well enough for digits in Helvetica (about 0.556 em each).
        let width = amount.chars().count() as f32 * 11.0 * 0.556;
        text(&mut c, font, 11.0, 545.0 - width, y, &amount);
        y -= 18.0;
    }
    pdf.stream(content_id, &c.finish());
    pdf.finish()
}

fn text(c: &mut Content, font: &[u8], size: f32, x: f32, y: f32, value: &str) {
    let bytes = win_ansi(value);
    c.begin_text();
    c.set_font(Name(font), size);
    c.next_line(x, y);
    c.show(Str(&bytes));
    c.end_text();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_amounts() {
        assert_eq!(euro(324_517), "€ 3.245,17");
        assert_eq!(euro(5), "€ 0,05");
        assert_eq!(euro(-123_456_789), "€ -1.234.567,89");
    }

    #[test]
    fn renders_a_real_pdf() {
        let facts = [("Werknemer", "Bakker, N".to_owned())];
        let amounts = [("Bruto loon", 350_000), ("Netto loon", 250_000)];
        let bytes = render(&Sheet {
            issuer: "Active BV",
            title: "Loonstrook maart 2026",
            facts: &facts,
            amounts: &amounts,
        });
        assert!(bytes.starts_with(b"%PDF-1."));
        assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("(Loonstrook maart 2026) Tj"), "{text}");
        // "€ 2.500,00" with the euro sign as WinAnsi 0x80 (written as a hex string).
        assert!(text.contains("<8020322E3530302C3030> Tj"), "{text}");
        assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    }
}
