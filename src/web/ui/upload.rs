//! `POST /documenten/upload`: one or more files from the dossier page, streamed to the file
//! store. The form's token and the kind come before the files (browsers send fields in page
//! order), so nothing is stored for a forged or incomplete form.

use futures_util::StreamExt;
use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::filters::multipart::{FormData, Part};
use warp::http::StatusCode;
use warp::reply::Response;

use crate::domain::{DocumentKind, PublicId};
use crate::service::{ServiceError, UploadRequest};
use crate::web::i18n::fill;
use crate::web::pipeline::{Signed, error_page, problem, signed_in};
use crate::web::respond;
use crate::web::session::{WebState, form_is_genuine};

/// Room for the small fields and the multipart framing around the files.
const FORM_OVERHEAD: u64 = 64 * 1024;

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let (max_bytes, max_files) = {
        let settings = state.services.settings();
        (settings.upload_max_bytes, settings.upload_max_files as u64)
    };
    let limit = max_bytes
        .saturating_add(FORM_OVERHEAD)
        .saturating_mul(max_files);
    let letter_limit = max_bytes.saturating_add(FORM_OVERHEAD);
    let letter_state = state.clone();
    let letter_signed_in = signed_in(state.clone());
    let upload = warp::post()
        .and(warp::path!("documenten" / "upload"))
        .and(signed_in(state.clone()))
        .and(warp::multipart::form().max_length(limit))
        .then(move |signed: Signed, form: FormData| {
            let state = state.clone();
            async move {
                match upload(&state, &signed, form).await {
                    // The dossier says how many files were stored, once.
                    Ok(stored) => {
                        respond::see_other(&format!("/dossier?gedaan=upload&aantal={stored}"))
                    }
                    Err(refused) => answer(&state, &signed, refused).await,
                }
            }
        });
    let letter = warp::post()
        .and(warp::path!("documenten" / "brief"))
        .and(letter_signed_in)
        .and(warp::multipart::form().max_length(letter_limit))
        .then(move |signed: Signed, form: FormData| {
            let state = letter_state.clone();
            async move {
                match letter(&state, &signed, form).await {
                    // The dossier it came from says the letter is there, once.
                    Ok(back) => {
                        respond::see_other(&super::with_query(&back, "gedaan", "letter&aantal=1"))
                    }
                    Err(refused) => answer(&state, &signed, refused).await,
                }
            }
        });
    named("upload", upload)
        .or(named("letter", letter))
        .unify()
        .boxed()
}

/// `POST /documenten/brief`: a PDF letter into an employee's dossier, by its employer or bureau
/// (fields in page order: `csrf`, `werknemer`, `terug`, `titel`, `file`). The page to return to.
async fn letter(state: &WebState, signed: &Signed, mut form: FormData) -> Result<String, Refused> {
    let (session, visit) = (&signed.session, &signed.visit);
    let t = signed.site().t();
    let mut genuine = false;
    let (mut employee, mut back, mut title, mut answers) = (None, None, String::new(), None);
    while let Some(part) = form.next().await {
        let Ok(part) = part else {
            return Err(Refused::Form(
                StatusCode::BAD_REQUEST,
                t.upload_garbled.to_owned(),
            ));
        };
        match part.name() {
            "csrf" => {
                let token = text_field(part).await.unwrap_or_default();
                genuine = form_is_genuine(state, &visit.headers, &session.csrf_token, &token);
                if !genuine {
                    return Err(Refused::NotGenuine);
                }
            }
            "werknemer" => {
                employee = text_field(part).await.and_then(|id| PublicId::parse(&id));
            }
            "terug" => back = super::local_path(text_field(part).await.as_deref()),
            "titel" => title = text_field(part).await.unwrap_or_default(),
            "verzoek" => answers = text_field(part).await.and_then(|id| PublicId::parse(&id)),
            "file" => {
                if !genuine {
                    return Err(Refused::NotGenuine);
                }
                let Some(employee) = employee else {
                    return Err(Refused::File(ServiceError::NotFound, 0));
                };
                let file_name = browser_file_name(part.filename().unwrap_or_default());
                if file_name.is_empty() {
                    return Err(Refused::Form(
                        StatusCode::BAD_REQUEST,
                        t.upload_no_file.to_owned(),
                    ));
                }
                let body = Box::pin(part.stream());
                return match state
                    .services
                    .write_letter(
                        session.actor,
                        visit.context,
                        crate::service::NewLetter {
                            employee,
                            title: title.clone(),
                            file_name,
                            answers,
                        },
                        body,
                    )
                    .await
                {
                    Ok(_) => Ok(back.unwrap_or_else(|| "/werknemers".to_owned())),
                    Err(e) => Err(Refused::File(e, 0)),
                };
            }
            _ => {
                return Err(Refused::Form(
                    StatusCode::BAD_REQUEST,
                    t.upload_unknown_field.to_owned(),
                ));
            }
        }
    }
    if !genuine {
        return Err(Refused::NotGenuine);
    }
    Err(Refused::Form(
        StatusCode::BAD_REQUEST,
        t.upload_no_file.to_owned(),
    ))
}

/// Why an upload stopped; `stored` files before it were kept.
enum Refused {
    /// Not our form (CSRF): a token is checked before any file is read.
    NotGenuine,
    /// Something about the form, said in the user's language.
    Form(StatusCode, String),
    /// The service refused a file.
    File(ServiceError, usize),
}

/// A small text field of the form (its token, a kind, an id, a title), at most 1 KiB.
async fn text_field(part: Part) -> Option<String> {
    super::multipart_text(part, 1024).await
}

/// Stores the files of the form in order; the count stored, or why it stopped.
async fn upload(state: &WebState, signed: &Signed, mut form: FormData) -> Result<usize, Refused> {
    let (session, visit) = (&signed.session, &signed.visit);
    let t = signed.site().t();
    let mut genuine = false;
    let mut kind = None;
    let mut stored = 0;
    while let Some(part) = form.next().await {
        let Ok(part) = part else {
            return Err(Refused::Form(
                StatusCode::BAD_REQUEST,
                t.upload_garbled.to_owned(),
            ));
        };
        match part.name() {
            "csrf" => {
                let token = text_field(part).await.unwrap_or_default();
                genuine = form_is_genuine(state, &visit.headers, &session.csrf_token, &token);
                if !genuine {
                    return Err(Refused::NotGenuine);
                }
            }
            "kind" => {
                kind = text_field(part)
                    .await
                    .and_then(|k| DocumentKind::parse(&k).ok())
                    .filter(|k| k.is_upload_kind());
            }
            "file" => {
                if !genuine {
                    return Err(Refused::NotGenuine);
                }
                let Some(kind) = kind else {
                    return Err(Refused::Form(
                        StatusCode::BAD_REQUEST,
                        t.upload_choose_kind.to_owned(),
                    ));
                };
                let file_name = browser_file_name(part.filename().unwrap_or_default());
                if file_name.is_empty() {
                    // The browser sends an empty part when no file was chosen.
                    continue;
                }
                let most = state.services.settings().upload_max_files;
                if stored >= most {
                    // Counted, not just bounded by bytes: a thousand tiny files are a flood too.
                    let earlier = fill(t.upload_partial, &[&stored]);
                    return Err(Refused::Form(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("{}{earlier}", fill(t.upload_too_many, &[&most])),
                    ));
                }
                let body = part.stream();
                let request = UploadRequest { kind, file_name };
                match state
                    .services
                    .upload(session.actor, visit.context, request, Box::pin(body))
                    .await
                {
                    Ok(_) => stored += 1,
                    Err(e) => return Err(Refused::File(e, stored)),
                }
            }
            _ => {
                return Err(Refused::Form(
                    StatusCode::BAD_REQUEST,
                    t.upload_unknown_field.to_owned(),
                ));
            }
        }
    }
    if !genuine {
        return Err(Refused::NotGenuine);
    }
    if stored == 0 {
        return Err(Refused::Form(
            StatusCode::BAD_REQUEST,
            t.upload_no_file.to_owned(),
        ));
    }
    Ok(stored)
}

/// The page for a refused upload, inside the layout, saying what was kept before it.
async fn answer(state: &WebState, signed: &Signed, refused: Refused) -> Response {
    let t = signed.site().t();
    let (status, text) = match refused {
        Refused::NotGenuine => {
            return problem(
                state,
                signed,
                StatusCode::FORBIDDEN,
                t.form_expired_title,
                t.form_expired_text,
            )
            .await;
        }
        Refused::Form(status, text) => (status, text),
        Refused::File(error, stored) => {
            let earlier = if stored > 0 {
                fill(t.upload_partial, &[&stored])
            } else {
                String::new()
            };
            if error.is_storage_full() {
                tracing::error!("the disk is full: {error}");
            }
            if error.is_storage_unavailable() {
                tracing::error!("file storage unavailable: {error}");
            }
            let (status, why) = match &error {
                _ if error.is_storage_unavailable() => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    t.storage_unavailable.to_owned(),
                ),
                _ if error.is_storage_full() => (
                    StatusCode::INSUFFICIENT_STORAGE,
                    t.upload_disk_full.to_owned(),
                ),
                ServiceError::TooLarge { limit } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    fill(t.upload_too_large, &[&(limit / (1024 * 1024))]),
                ),
                ServiceError::UnsupportedType => (
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    t.upload_bad_type.to_owned(),
                ),
                ServiceError::EmptyFile { .. } => {
                    (StatusCode::BAD_REQUEST, t.upload_empty.to_owned())
                }
                ServiceError::QuotaFull { limit } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    fill(t.upload_quota_full, &[&(limit / (1024 * 1024))]),
                ),
                ServiceError::Invalid { field: "title", .. } => {
                    (StatusCode::BAD_REQUEST, t.letter_title_needed.to_owned())
                }
                ServiceError::Invalid { .. } => {
                    (StatusCode::BAD_REQUEST, t.upload_invalid.to_owned())
                }
                ServiceError::NotFound | ServiceError::Forbidden(_) => {
                    (StatusCode::FORBIDDEN, t.upload_not_here.to_owned())
                }
                _ => return error_page(state, signed, error).await,
            };
            (status, format!("{why}{earlier}"))
        }
    };
    problem(state, signed, status, t.upload_failed, &text).await
}

/// A file name as the user's system has it, from the one a browser put in a multipart form:
/// browsers write `"`, CR and LF as `%22`, `%0D` and `%0A` there (WHATWG HTML, "multipart/
/// form-data encoding algorithm") and leave every other character, `%` included, as it is.
/// So exactly those three are undone, in one pass; `100%.pdf` stays `100%.pdf`.
fn browser_file_name(sent: &str) -> String {
    let mut name = String::with_capacity(sent.len());
    let mut rest = sent;
    while let Some(at) = rest.find('%') {
        name.push_str(&rest[..at]);
        let escaped = &rest[at..];
        let (plain, used) = match escaped.get(..3) {
            Some("%22") => ('"', 3),
            Some("%0D") => ('\r', 3),
            Some("%0A") => ('\n', 3),
            _ => ('%', 1),
        };
        name.push(plain);
        rest = &escaped[used..];
    }
    name.push_str(rest);
    name
}

#[cfg(test)]
mod tests {
    use super::browser_file_name;

    #[test]
    fn browser_escapes_are_undone_and_nothing_else() {
        assert_eq!(
            browser_file_name("Loon %22maart%22 2026.pdf"),
            "Loon \"maart\" 2026.pdf"
        );
        assert_eq!(browser_file_name("a%0D%0Ab.pdf"), "a\r\nb.pdf");
        assert_eq!(browser_file_name("100%.pdf"), "100%.pdf");
        assert_eq!(browser_file_name("%25 %2 %0a %"), "%25 %2 %0a %");
        assert_eq!(browser_file_name("€ %22"), "€ \"");
    }
}
