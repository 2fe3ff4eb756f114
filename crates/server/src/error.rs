//! The API's errors: one [`ApiError`] per way a request can fail, each with
//! its HTTP status, a stable machine-readable code and a message for people.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why a request failed. Every variant becomes a JSON body
/// `{"error": CODE, "message": MESSAGE}` with the status of [`ApiError::status`].
///
/// Messages quote the offending input (a bad field value, a JSON syntax error
/// with its line and column) and, where there is a fixed set of valid values,
/// list them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The body is not valid JSON, or not the shape the endpoint expects
    /// (`400 invalid_json`).
    #[error("the request body is not valid JSON for this endpoint: {0}")]
    InvalidJson(String),
    /// The JSON is well formed but a field is missing, unknown or out of
    /// range (`400 invalid_request`).
    #[error("{0}")]
    InvalidRequest(String),
    /// A `tier` this server does not run (`400 unknown_tier`).
    #[error("unknown tier {found:?}; available tiers: {available}")]
    UnknownTier {
        /// The tier asked for.
        found: String,
        /// The tiers this server runs, comma-separated.
        available: String,
    },
    /// A `format` the API does not write (`400 unknown_format`).
    #[error("unknown format {found:?}; available formats: {available}")]
    UnknownFormat {
        /// The format asked for.
        found: String,
        /// The formats the API writes, comma-separated.
        available: String,
    },
    /// The body is larger than the server accepts (`413 payload_too_large`).
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not declared as JSON (`415 unsupported_media_type`).
    #[error("expected Content-Type: application/json, got {found}")]
    UnsupportedMediaType {
        /// The content type sent, quoted, or `none`.
        found: String,
    },
    /// Too many analyses are admitted already (`503 overloaded`, with
    /// `Retry-After`). Returned at once, without waiting.
    #[error(
        "the server is busy ({max_concurrent} analyses in progress); retry in {retry_after_s} s"
    )]
    Overloaded {
        /// The admission limit that was reached.
        max_concurrent: usize,
        /// When a place is likely to be free, in seconds (`Retry-After`).
        retry_after_s: u64,
    },
    /// This client has its share of the analyses in progress already
    /// (`429 too_many_requests`, with `Retry-After`). Returned at once.
    #[error(
        "you have {per_client} analyses in progress already, the most one client may have; \
         retry in {retry_after_s} s"
    )]
    TooManyRequests {
        /// Analyses one client may have in progress.
        per_client: usize,
        /// When one of them is likely to be done, in seconds (`Retry-After`).
        retry_after_s: u64,
    },
    /// The request took longer than the per-request timeout (`503 timeout`).
    #[error("the analysis did not finish within the {seconds} s limit; try a shorter text")]
    Timeout {
        /// The timeout, in seconds.
        seconds: f64,
    },
    /// No such route (`404 not_found`).
    #[error("no such endpoint: {0}")]
    NotFound(String),
    /// No such article or outlet in the corpus (`404 not_found`).
    #[error("{0}")]
    Missing(String),
    /// The route exists but not for this method (`405 method_not_allowed`).
    #[error("method {method} is not allowed here")]
    MethodNotAllowed {
        /// The method used.
        method: String,
    },
    /// Something failed inside the server (`500 internal`): a bug, not the
    /// client's fault.
    #[error("internal error: {0}")]
    Internal(String),
    /// `503`: the analysis was cancelled because the server is shutting
    /// down (past `--drain-timeout`). (A request abandoned by its client or
    /// past its timeout is cancelled too, but nobody is left to read this.)
    #[error("the server is shutting down; the analysis was cancelled, retry shortly")]
    ShuttingDown,
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_)
            | ApiError::InvalidRequest(_)
            | ApiError::UnknownTier { .. }
            | ApiError::UnknownFormat { .. } => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Overloaded { .. } | ApiError::Timeout { .. } | ApiError::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::NotFound(_) | ApiError::Missing(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code written to the `error` field.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::UnknownTier { .. } => "unknown_tier",
            ApiError::UnknownFormat { .. } => "unknown_format",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Timeout { .. } => "timeout",
            ApiError::NotFound(_) | ApiError::Missing(_) => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Internal(_) => "internal",
            ApiError::ShuttingDown => "shutting_down",
        }
    }
}

/// The JSON body of an error response.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(code = self.code(), "{self}");
        }
        let body = ErrorBody {
            error: self.code(),
            message: self.to_string(),
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let ApiError::Overloaded { retry_after_s, .. }
        | ApiError::TooManyRequests { retry_after_s, .. } = &self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_s));
        }
        if matches!(
            self,
            ApiError::PayloadTooLarge { .. } | ApiError::ShuttingDown
        ) {
            // 413: the rest of the body is not read; shutting down: the
            // server is going away. Either way, do not keep the connection.
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}
