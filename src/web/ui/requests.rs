//! `/verzoeken`: the employee's requests and the forms to make one; the employer's inbox and
//! decision; the bureau's list of approved ones; one request; its receipts.

use std::collections::HashMap;

use futures_util::StreamExt;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::filters::multipart::FormData;
use warp::http::StatusCode;
use warp::reply::Response;

use crate::domain::PublicId;
use crate::domain::request::RequestState;
use crate::service::{RECEIPTS_MAX, ServiceError, StagedReceipt};

use super::request_form::{FIELDS, details, field_problem, text};
use crate::service::InboxFilter;
use crate::web::pipeline::{Signed, TokenOnly, error_page, form, problem, signed_in};
use crate::web::route_list::named;
use crate::web::session::{WebState, form_is_genuine};
use crate::web::{download, respond, views};

type Query = HashMap<String, String>;

pub fn routes(state: WebState) -> BoxedFilter<(Response,)> {
    let s = state.clone();
    let list = warp::get()
        .and(warp::path!("verzoeken"))
        .and(signed_in(state.clone()))
        .and(warp::query::<Query>())
        .then(move |signed, q| list(s.clone(), signed, q));
    let s = state.clone();
    let new = warp::get()
        .and(warp::path!("verzoeken" / "nieuw" / String))
        .and(signed_in(state.clone()))
        .then(move |slug: String, signed| new_form(s.clone(), signed, slug));
    let s = state.clone();
    let limit = state
        .services
        .settings()
        .upload_max_bytes
        .saturating_mul(RECEIPTS_MAX as u64 + 1);
    let submit = warp::post()
        .and(warp::path!("verzoeken" / "nieuw" / String))
        .and(signed_in(state.clone()))
        .and(warp::multipart::form().max_length(limit))
        .then(move |slug: String, signed, form| submit(s.clone(), signed, slug, form));
    let s = state.clone();
    let one = warp::get()
        .and(warp::path!("verzoeken" / String))
        .and(signed_in(state.clone()))
        .and(warp::query::<Query>())
        .then(move |id: String, signed, q| show(s.clone(), signed, id, q));
    let s = state.clone();
    let withdraw = warp::post()
        .and(warp::path!("verzoeken" / String / "intrekken"))
        .and(form::<TokenOnly>(state.clone()))
        .then(move |id: String, signed, _: TokenOnly| withdraw(s.clone(), signed, id));
    let s = state.clone();
    let decide = warp::post()
        .and(warp::path!("verzoeken" / String / "besluit"))
        .and(form::<DecisionForm>(state.clone()))
        .then(move |id: String, signed, f| decide(s.clone(), signed, id, f));
    let s = state.clone();
    let receipt = warp::get()
        .and(warp::path!("verzoeken" / String / "bonnen" / u32))
        .and(signed_in(state))
        .then(move |id: String, n: u32, signed| receipt(s.clone(), signed, id, n));
    named("requests", list)
        .or(named("request_form", new))
        .unify()
        .or(named("request_submit", submit))
        .unify()
        .or(named("request", one))
        .unify()
        .or(named("request_withdraw", withdraw))
        .unify()
        .or(named("request_decision", decide))
        .unify()
        .or(named("request_receipt", receipt))
        .unify()
        .boxed()
}

/// `GET /verzoeken`: the employee's own; the employer's inbox or the bureau's list, filtered
/// by `status`, `soort` and (by name or number) `werknemer`.
async fn list(state: WebState, signed: Signed, query: Query) -> Response {
    let actor = signed.session.actor;
    let t = signed.site().t();
    let state_filter = query
        .get("status")
        .filter(|s| !s.is_empty())
        .and_then(|s| RequestState::parse(s).ok());
    let kind = query
        .get("soort")
        .filter(|s| !s.is_empty())
        .and_then(|s| views::kind_of_slug(s));
    let person = query
        .get("werknemer")
        .map(|s| s.trim().chars().take(100).collect::<String>())
        .filter(|s| !s.is_empty());
    let inbox = !matches!(actor, crate::domain::Actor::Employee { .. });
    let found = if inbox {
        let filter = InboxFilter {
            state: state_filter,
            kind,
            employee: person.clone(),
        };
        state.services.inbox(actor, filter).await
    } else {
        state.services.my_requests(actor).await
    };
    let requests = match found {
        Ok(requests) => requests,
        Err(e) => return error_page(&state, &signed, e).await,
    };
    let notice = match query.get("gedaan").map(String::as_str) {
        Some("ingediend") => Some(views::Notice::done(t.request_submitted_notice.to_owned())),
        _ => None,
    };
    let nav = super::nav(&state, &signed.session).await;
    let page = views::RequestsPage {
        requests: &requests,
        inbox,
        state: state_filter,
        kind,
        person: person.as_deref(),
        notice,
    };
    respond::html(
        StatusCode::OK,
        views::requests_page(signed.site(), &nav, &page),
    )
}

/// `GET /verzoeken/nieuw/{soort}`: the employee's form for one kind.
async fn new_form(state: WebState, signed: Signed, slug: String) -> Response {
    let Some(kind) = views::kind_of_slug(&slug) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    if !matches!(signed.session.actor, crate::domain::Actor::Employee { .. }) {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    }
    let nav = super::nav(&state, &signed.session).await;
    respond::html(
        StatusCode::OK,
        views::request_form(signed.site(), &nav, kind, &HashMap::new(), None),
    )
}

/// `POST /verzoeken/nieuw/{soort}`: the form's fields in page order (the token first), then
/// the receipts, which are stored as they stream in and removed if the request is refused.
async fn submit(state: WebState, signed: Signed, slug: String, mut form: FormData) -> Response {
    let Some(kind) = views::kind_of_slug(&slug) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    let t = signed.site().t();
    let (session, visit) = (&signed.session, &signed.visit);
    let mut genuine = false;
    let mut values = HashMap::new();
    let mut receipts: Vec<StagedReceipt> = Vec::new();
    let mut refused: Option<String> = None;
    while let Some(part) = form.next().await {
        let Ok(part) = part else {
            refused = Some(t.upload_garbled.to_owned());
            break;
        };
        let name = part.name().to_owned();
        if name == "csrf" {
            let token = text(part).await.unwrap_or_default();
            genuine = form_is_genuine(&state, &visit.headers, &session.csrf_token, &token);
            if !genuine {
                break;
            }
        } else if !genuine {
            break;
        } else if name == "bon" {
            let file_name = part.filename().unwrap_or_default().to_owned();
            if file_name.is_empty() {
                continue;
            }
            if receipts.len() >= RECEIPTS_MAX {
                refused = Some(crate::web::i18n::fill(t.upload_too_many, &[&RECEIPTS_MAX]));
                break;
            }
            match state
                .services
                .stage_receipt(session.actor, &file_name, Box::pin(part.stream()))
                .await
            {
                Ok(receipt) => receipts.push(receipt),
                Err(ServiceError::UnsupportedType) => {
                    refused = Some(t.upload_bad_type.to_owned());
                    break;
                }
                Err(e) => {
                    state.services.discard_receipts(&receipts).await;
                    return error_page(&state, &signed, e).await;
                }
            }
        } else if !FIELDS.contains(&name.as_str()) || values.contains_key(&name) {
            // Only the form's own fields, once each: nothing else is read or kept.
            refused = Some(t.upload_unknown_field.to_owned());
            break;
        } else {
            match text(part).await {
                Some(value) => {
                    values.insert(name, value);
                }
                None => {
                    // Too long to be what the form asks: said, never silently dropped.
                    refused = Some(field_problem(t, kind, &name));
                    break;
                }
            }
        }
    }
    if !genuine {
        state.services.discard_receipts(&receipts).await;
        return problem(
            &state,
            &signed,
            StatusCode::FORBIDDEN,
            t.form_expired_title,
            t.form_expired_text,
        )
        .await;
    }
    let password = values.remove("wachtwoord").unwrap_or_default();
    let why: String = match (refused, details(kind, &values)) {
        (Some(why), _) => why,
        (None, Err(field)) => field_problem(t, kind, field),
        (None, Ok(details)) => {
            let receipts = std::mem::take(&mut receipts);
            match state
                .services
                .submit_request(session, visit.context, details, &password, receipts)
                .await
            {
                Ok(_) => return respond::see_other("/verzoeken?gedaan=ingediend"),
                Err(ServiceError::Invalid { field, .. }) => field_problem(t, kind, field),
                Err(ServiceError::WrongPassword) => t.password_wrong_current.to_owned(),
                Err(e) => return error_page(&state, &signed, e).await,
            }
        }
    };
    state.services.discard_receipts(&receipts).await;
    let nav = super::nav(&state, &signed.session).await;
    respond::html(
        StatusCode::BAD_REQUEST,
        views::request_form(signed.site(), &nav, kind, &values, Some(&why)),
    )
}

/// `GET /verzoeken/{id}`: one request, if the reader sees it (else "not found").
async fn show(state: WebState, signed: Signed, id: String, query: Query) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    let t = signed.site().t();
    match state.services.request(signed.session.actor, id).await {
        Ok(request) => {
            let notice = match query.get("gedaan").map(String::as_str) {
                Some("ingetrokken") => Some(t.request_withdrawn_notice),
                Some("goedgekeurd") => Some(t.request_approved_notice),
                Some("afgewezen") => Some(t.request_rejected_notice),
                _ => None,
            }
            .map(|text| views::Notice::done(text.to_owned()));
            let nav = super::nav(&state, &signed.session).await;
            respond::html(
                StatusCode::OK,
                views::request_page(signed.site(), &nav, &request, notice.as_ref()),
            )
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn withdraw(state: WebState, signed: Signed, id: String) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    match state
        .services
        .withdraw_request(signed.session.actor, signed.visit.context, id)
        .await
    {
        Ok(()) => respond::see_other(&format!("/verzoeken/{id}?gedaan=ingetrokken")),
        Err(e) => error_page(&state, &signed, e).await,
    }
}

/// The employer's answer on a request.
#[derive(Debug, serde::Deserialize)]
struct DecisionForm {
    /// `goedkeuren` or `afwijzen`; absent when neither was chosen.
    besluit: Option<String>,
    #[serde(default)]
    opmerking: String,
}

async fn decide(state: WebState, signed: Signed, id: String, form: DecisionForm) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    let approve = match form.besluit.as_deref() {
        Some("goedkeuren") => true,
        Some("afwijzen") => false,
        _ => {
            let t = signed.site().t();
            return crate::web::pipeline::bad_request(&state, &signed, t.request_choose).await;
        }
    };
    match state
        .services
        .decide_request(
            signed.session.actor,
            signed.visit.context,
            id,
            approve,
            &form.opmerking,
        )
        .await
    {
        Ok(()) => {
            let done = if approve { "goedgekeurd" } else { "afgewezen" };
            respond::see_other(&format!("/verzoeken/{id}?gedaan={done}"))
        }
        Err(e) => error_page(&state, &signed, e).await,
    }
}

async fn receipt(state: WebState, signed: Signed, id: String, number: u32) -> Response {
    let Some(id) = PublicId::parse(&id) else {
        return error_page(&state, &signed, ServiceError::NotFound).await;
    };
    match state
        .services
        .open_receipt(signed.session.actor, signed.visit.context, id, number)
        .await
    {
        Ok(opened) => download::respond(opened, &signed.visit.headers).await,
        Err(e) => error_page(&state, &signed, e).await,
    }
}
