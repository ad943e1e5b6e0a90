//! `POST /examiner/test/{name}`: runs the workshop's examiner test `name` (`crate::examiner`) with the
//! request's body and answers `{"success": bool, "message": ..}` like the original.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{AppError, AppState, enabled, home_dir};
use crate::examiner::{execute, find_program, parse_request, scenario_script};

/// `POST /examiner/test/{name}`.
pub async fn run_test(State(state): State<AppState>, Path(name): Path<String>, body: Bytes) -> Response {
    if !enabled(&state).examiner {
        return AppError::NotFound("the examiner is not enabled".to_string()).into_response();
    }
    let request = match parse_request(&body) {
        Ok(request) => request,
        Err(message) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"success": false, "message": message})),
            )
                .into_response();
        }
    };
    let root = state.content.root().to_path_buf();
    let workshop = state.content.current();
    let Some(program) = find_program(&root, &name).or_else(|| scenario_script(&workshop, &name)) else {
        return AppError::NotFound(format!("no examiner test {name:?}")).into_response();
    };
    if program.script.is_some() {
        // A scenario's scripts run once its assets are in place.
        crate::web::start_scenario(&state).await;
    }
    let cwd = home_dir().filter(|home| home.is_dir()).unwrap_or(root);
    let (success, message, _) = execute(&name, &program, &cwd, &request).await;
    Json(json!({"success": success, "message": message})).into_response()
}
