//! `GET /staff/terminals?use=own|join|watch`: a portal staff user chooses their own terminals (the default),
//! or joining the learner's read-write or read-only (`auth/staff.rs`), then goes back to the dashboard.
//! Anyone else is told the choice is for staff.

use axum::Router;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use axum::routing::get;
use http::header::{self, HeaderValue};
use serde::Deserialize;

use super::gate::redirect;
use super::{AppError, AppState};
use crate::auth::Principal;
use crate::auth::staff::{STAFF_TERMINALS_COOKIE, StaffView};

/// Staff routes (behind login).
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/terminals", get(choose))
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(rename = "use")]
    view: String,
}

async fn choose(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Query(choice): Query<Choice>,
) -> Result<Response, AppError> {
    if !principal.staff {
        return Err(AppError::Forbidden(
            "only the training portal's staff choose whose terminals they use".to_string(),
        ));
    }
    let view = StaffView::parse(&choice.view)
        .ok_or_else(|| AppError::BadRequest(format!("use={:?}: use own, join or watch", choice.view)))?;
    tracing::info!(user = %principal.user, terminals = view.as_str(), "staff terminals chosen");
    let secure = if state.auth.config().secure {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{STAFF_TERMINALS_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400{secure}",
        view.as_str()
    );
    let mut response = redirect("/dashboard/");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
