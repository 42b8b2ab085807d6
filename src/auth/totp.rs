//! Time-based one-time codes (RFC 6238, via totp-rs): 6 digits, 30-second steps, the current
//! step ±1 accepted, each step at most once; secrets of 160 bits; enrolment as an `otpauth://`
//! link and a QR code drawn as SVG on the server.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeProblem {
    #[error("the code is not right")]
    Wrong,
    #[error("this code was used already")]
    Replayed,
}

/// A new random secret (160 bits, as RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    Secret::generate().as_bytes().to_vec()
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.to_vec())
        .with_issuer(Some(issuer))
        .with_account_name(account)
        .build()
        .ok()
}

/// The secret as people type it into an app: base32 in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let encoded = Secret::from(secret.to_vec()).to_base32();
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` link an authenticator app scans.
pub fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> String {
    totp(secret, issuer, account)
        .and_then(|t| t.to_url().ok())
        .unwrap_or_default()
}

/// The QR code of the `otpauth://` link, as an SVG document.
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Checks `code` at `unix_time`; returns the time step it belongs to. Steps at or before
/// `last_used` are refused: a code works once.
pub fn check(
    secret: &[u8],
    code: &str,
    unix_time: u64,
    last_used: Option<u64>,
) -> Result<u64, CodeProblem> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeProblem::Wrong);
    }
    let totp = totp(secret, "", "x").ok_or(CodeProblem::Wrong)?;
    let step = totp.check(&code, unix_time).ok_or(CodeProblem::Wrong)?;
    if last_used.is_some_and(|last| step <= last) {
        return Err(CodeProblem::Replayed);
    }
    Ok(step)
}

/// The code for `unix_time` (for tests and for showing the app is set up right).
pub fn code_at(secret: &[u8], unix_time: u64) -> String {
    totp(secret, "", "x")
        .map(|t| t.generate(unix_time).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s, with the last 6 of its 8 digits.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59), "287082");
    }

    #[test]
    fn only_the_neighbouring_steps_and_only_once() {
        let secret = new_secret();
        assert_eq!(secret.len(), 20);
        let now = 1_800_000_000;
        let step = now / 30;
        for offset in [-1i64, 0, 1] {
            let t = (now as i64 + offset * 30) as u64;
            assert_eq!(
                check(&secret, &code_at(&secret, t), now, None),
                Ok(t / 30),
                "{offset}"
            );
        }
        for offset in [-2i64, 2] {
            let t = (now as i64 + offset * 30) as u64;
            assert_eq!(
                check(&secret, &code_at(&secret, t), now, None),
                Err(CodeProblem::Wrong)
            );
        }
        let code = code_at(&secret, now);
        assert_eq!(
            check(&secret, &code, now, Some(step)),
            Err(CodeProblem::Replayed)
        );
        let earlier = code_at(&secret, now - 30);
        assert_eq!(
            check(&secret, &earlier, now, Some(step)),
            Err(CodeProblem::Replayed)
        );
        assert_eq!(check(&secret, "12345", now, None), Err(CodeProblem::Wrong));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(check(&secret, &spaced, now, None), Ok(step));
    }

    #[test]
    fn enrolment_material() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "Loondossier Bakker", "anja");
        assert!(
            url.starts_with("otpauth://totp/Loondossier%20Bakker:anja?secret="),
            "{url}"
        );
        let svg = qr_svg(&url);
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        assert_eq!(secret_text(&secret).replace(' ', "").len(), 32);
    }
}
