//! `GET /documenten/{id}` (view) and `/documenten/{id}/download`,
//! and the actions on ticked documents.

use warp::Filter;

use crate::web::route_list::named;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::domain::PublicId;
use crate::domain::approval::Decision;
use crate::service::{Disposition, ServiceError};
use crate::web::pipeline::{Signed, bad_request, error_page, form, signed_in};
use crate::web::session::WebState;
use crate::web::views;
use crate::web::{download, respond};

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let view = warp::get()
        .and(warp::path!("documenten" / String))
        .and(signed_in(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, s: Signed| open(state.clone(), s, id, Disposition::Inline)
        });
    let download = warp::get()
        .and(warp::path!("documenten" / String / "download"))
        .and(signed_in(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, s: Signed| open(state.clone(), s, id, Disposition::Attachment)
        });
    let act = warp::post()
        .and(warp::path!("documenten" / "acties"))
        .and(form::<Vec<(String, String)>>(state.clone()))
        .then({
            let state = state.clone();
            move |s: Signed, pairs| act(state.clone(), s, pairs)
        });
    let details = warp::get()
        .and(warp::path!("documenten" / String / "details"))
        .and(signed_in(state.clone()))
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .then({
            let state = state.clone();
            move |id: String, s: Signed, q| details(state.clone(), s, id, q)
        });
    let decide = warp::post()
        .and(warp::path!("documenten" / String / "akkoord"))
        .and(form::<DecisionForm>(state.clone()))
        .then({
            let state = state.clone();
            move |id: String, s: Signed, f| decide(state.clone(), s, id, f)
        });
    let unread = warp::get()
        .and(warp::path!("ongelezen"))
        .and(signed_in(state.clone()))
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .then(move |s: Signed, q| unread_page(state.clone(), s, q));
    named("document", view)
        .or(named("document_download", download))
        .unify()
        .or(named("document_details", details))
        .unify()
        .or(named("unread", unread))
        .unify()
        .or(named("document_actions", act))
        .unify()
        .or(named("series_decision", decide))
        .unify()
        .boxed()
}

/// The employer's answer on a series overview, from its details page.
#[derive(Debug, serde::Deserialize)]
struct DecisionForm {
    /// `akkoord` or `niet-akkoord`; absent when neither was chosen.
    besluit: Option<String>,
    #[serde(default)]
    opmerking: String,
    /// The dossier page the details were opened from.
    terug: Option<String>,
}

/// `POST /documenten/{id}/akkoord`: akkoord or niet akkoord on a series overview, then back
/// to its details, which say what was decided.
async fn decide(state: WebState, signed: Signed, id: String, form: DecisionForm) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    let decision = match form.besluit.as_deref() {
        Some("akkoord") => Decision::Approved,
        Some("niet-akkoord") => Decision::Rejected,
        _ => {
            let t = signed.site().t();
            return bad_request(&state, &signed, t.decide_choose).await;
        }
    };
    match state
        .services
        .decide_on_series_overview(
            signed.session.actor,
            signed.visit.context,
            id,
            decision,
            &form.opmerking,
        )
        .await
    {
        Ok(_) => {
            let back =
                super::local_path(form.terug.as_deref()).unwrap_or_else(|| "/dossier".into());
            respond::see_other(&format!(
                "/documenten/{id}/details?gedaan={}&terug={}",
                decision.as_str(),
                super::encode_path(&back)
            ))
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// `GET /documenten/{id}/details`: not-yours looks exactly like not-there. `terug` (or else
/// the referring page) is the dossier page it was opened from; `gedaan` what was just decided.
async fn details(
    state: WebState,
    signed: Signed,
    id: String,
    query: std::collections::HashMap<String, String>,
) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    match state
        .services
        .document_details(signed.session.actor, id)
        .await
    {
        Ok(details) => {
            let nav = super::nav(&state, &signed.session).await;
            // Back to the dossier page it was opened from (an employee's dossier for its
            // employer), not always the reader's own.
            let back = super::local_path(query.get("terug").map(String::as_str))
                .or_else(|| signed.visit.referring_page())
                .filter(|page| !page.starts_with("/documenten/"))
                .unwrap_or_else(|| "/dossier".to_owned());
            let t = signed.site().t();
            let notice = match query.get("gedaan").map(String::as_str) {
                Some("approved") => Some(views::Notice::done(t.decided_approved.to_owned())),
                Some("rejected") => Some(views::Notice::done(t.decided_rejected.to_owned())),
                _ => None,
            };
            respond::html(
                StatusCode::OK,
                views::details_page(signed.site(), &nav, &details, &back, notice.as_ref()),
            )
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// `GET /ongelezen`: the account's unread documents.
async fn unread_page(
    state: WebState,
    signed: Signed,
    query: std::collections::HashMap<String, String>,
) -> Response {
    let order = match query.get("volgorde").map(String::as_str) {
        Some("naam") => crate::service::UnreadOrder::ByName,
        _ => crate::service::UnreadOrder::Newest,
    };
    match state.services.unread(signed.session.actor, order).await {
        Ok((documents, more)) => {
            let nav = super::nav(&state, &signed.session).await;
            respond::html(
                StatusCode::OK,
                views::unread_page(
                    signed.site(),
                    &nav,
                    &documents,
                    more,
                    order,
                    super::page_notice(signed.site().t(), &query, None).as_ref(),
                ),
            )
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// `POST /documenten/acties`: share, stop sharing, delete, mark read or unread the ticked
/// documents — all or nothing — then back to the dossier.
async fn act(state: WebState, signed: Signed, pairs: Vec<(String, String)>) -> Response {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut ids = Vec::new();
    for (_, value) in pairs.iter().filter(|(k, _)| k == "id") {
        match PublicId::parse(value) {
            Some(id) => ids.push(id),
            None => return error_page(&state, &signed, ServiceError::NotFound).await,
        }
    }
    let t = signed.site().t();
    // Back to the page the form came from: a local path only, so no open redirect.
    let back = super::local_path(field("terug")).unwrap_or_else(|| "/dossier".to_owned());
    if ids.is_empty() {
        // Said on the page itself, which keeps the year, searches and everything else.
        return respond::see_other(&super::with_query(&back, "melding", super::NOTHING_CHOSEN));
    }
    let services = &state.services;
    let (actor, ctx) = (signed.session.actor, signed.visit.context);
    let action = field("action").unwrap_or_default();
    if action == "delete" && field("bevestigd") != Some("ja") {
        // Deleting cannot be undone: first the question, as a page of its own.
        return match services.documents_to_delete(actor, ids).await {
            Ok(documents) => {
                let nav = super::nav(&state, &signed.session).await;
                let items: Vec<views::ToDelete> = documents
                    .into_iter()
                    .map(|d| views::ToDelete {
                        id: d.id.to_string(),
                        name: d.title,
                        size: d.size,
                        created_at: d.created_at,
                    })
                    .collect();
                respond::html(
                    StatusCode::OK,
                    views::confirm_delete_page(
                        signed.site(),
                        &nav,
                        views::Deleting::Files,
                        "/documenten/acties",
                        &items,
                        &back,
                    ),
                )
            }
            Err(e) => error_page(&state, &signed, e).await,
        };
    }
    let done = match field("action") {
        Some("share") => services.share(actor, ctx, ids).await,
        Some("unshare") => services.unshare(actor, ctx, ids).await,
        Some("delete") => services.delete_uploads(actor, ctx, ids).await,
        Some("read") => services.mark_read(actor, ctx, ids).await,
        Some("unread") => services.mark_unread(actor, ctx, ids).await,
        _ => return bad_request(&state, &signed, t.no_such_action).await,
    };
    match done {
        // The page says what was done (`gedaan`, `aantal`), once.
        Ok(count) => respond::see_other(&super::with_query(
            &back,
            "gedaan",
            &format!("{action}&aantal={count}"),
        )),
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn open(state: WebState, signed: Signed, id: String, disposition: Disposition) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    match state
        .services
        .open_document(signed.session.actor, signed.visit.context, id, disposition)
        .await
    {
        Ok(opened) => download::respond(opened, &signed.visit.headers).await,
        Err(e) => error_page(&state, &signed, e).await,
    }
}
