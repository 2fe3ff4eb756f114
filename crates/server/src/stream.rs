//! `POST /api/analyze` with `Accept: text/event-stream`: the request's
//! place in its tier's queue at once, the fast tier's preliminary result,
//! then the final one, as server-sent events.

use std::convert::Infallible;

use axum::http::{header, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::mpsc;
use unspin_analysis::Tier;
use unspin_pipeline::Cancel;

use crate::app::{finish_json, run_job, spawn_job, Abandon, App, Job};
use crate::error::ApiError;
use crate::queue::{Pass, Position};

/// The answer to `POST /api/analyze` with `Accept: text/event-stream`: a
/// stream of server-sent events, each `data` one line of JSON.
///
/// - `status` — `{"tier", "state": "queued" | "running", "position",
///   "estimate_s"}`: sent at once, again each time the request moves up
///   the queue, and when its analysis starts.
/// - `result` — `{"tier", "final", "document"}`, `document` the JSON wire
///   format: `final: false` for the preliminary result of the fast tier
///   (when the tier asked for is another and the server runs the fast
///   one too, and only when it comes first), then `final: true` for the
///   tier asked for; the stream then ends.
/// - `error` — `{"error", "message"}` as in an error response, and the
///   stream ends (the timeout, for one, comes this way).
///
/// A client that closes the connection cancels the work at once: the
/// task below notices the closed channel and drops the request's guard.
pub(crate) fn stream_analysis(
    app: &App,
    job: Job,
    tier: usize,
    pass: Pass,
    abandon: Abandon,
    deadline: tokio::time::Instant,
) -> Response {
    let (tx, rx) = mpsc::channel::<Event>(16);
    let app = app.clone();
    tokio::spawn(async move {
        let seconds = app.inner.limits.timeout.as_secs_f64();
        let token = abandon.token.clone();
        let work = async {
            let streamed =
                tokio::time::timeout_at(deadline, stream_work(&app, job, tier, pass, &token, &tx))
                    .await
                    .unwrap_or(Err(ApiError::Timeout { seconds }));
            if let Err(e) = streamed {
                if e.status().is_server_error() {
                    tracing::warn!(code = e.code(), "{e}");
                }
                let body = serde_json::json!({"error": e.code(), "message": e.to_string()});
                let _ = tx.send(event("error", &body)).await;
            }
        };
        tokio::select! {
            () = tx.closed() => {}
            () = work => {}
        }
        drop(abandon);
    });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (Ok::<_, Infallible>(e), rx))
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One server-sent event named `name` with `data` as one line of JSON.
fn event(name: &str, data: &impl Serialize) -> Event {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    Event::default().event(name).data(json)
}

/// The `status` event of `tier` at `position`.
fn status_event(tier: &str, at: Position) -> Event {
    let state = if at.position == 0 {
        "running"
    } else {
        "queued"
    };
    event(
        "status",
        &serde_json::json!({
            "tier": tier,
            "state": state,
            "position": at.position,
            "estimate_s": at.estimate_s,
        }),
    )
}

/// A `result` event: `document` is already JSON (one line).
fn result_event(tier: &str, last: bool, document: &str) -> Event {
    Event::default()
        .event("result")
        .data(result_data(tier, last, document))
}

/// The data of a `result` event: `{"final":…,"tier":…,"document":…}`,
/// `document` spliced in as it is.
fn result_data(tier: &str, last: bool, document: &str) -> String {
    let head = serde_json::json!({"tier": tier, "final": last}).to_string();
    format!(
        "{},\"document\":{}}}",
        head.trim_end_matches('}'),
        document.trim_end()
    )
}

/// The work behind [`stream_analysis`]: queue, preliminary fast result,
/// final result, each sent on `tx` as it comes.
async fn stream_work(
    app: &App,
    job: Job,
    tier: usize,
    pass: Pass,
    token: &Cancel,
    tx: &mpsc::Sender<Event>,
) -> Result<(), ApiError> {
    let client = pass.client();
    let name = app.inner.tiers[tier].tier().name();
    let lane = app.inner.lanes[tier].clone();
    let mut ticket = lane.enqueue(client);
    let first = ticket.position();
    let _ = tx.send(status_event(name, first)).await;
    let preliminary = app
        .tier_index(Some(Tier::Fast.name()))
        .ok()
        .filter(|&fast| fast != tier)
        .map(|fast| {
            let mut ticket = app.inner.lanes[fast].enqueue(client);
            let (app, input, id) = (app.clone(), job.input.clone(), job.id.clone());
            let (force, min, token) = (job.force_english, job.min_score, token.clone());
            async move {
                ticket.turn(|_| {}).await;
                spawn_job(move || {
                    let _held = ticket;
                    let doc = run_job(&app, fast, input, &id, force, &token)?;
                    finish_json(doc, min)
                })
                .await
            }
        });
    let main = {
        let app = app.clone();
        async move {
            ticket
                .turn(|at| {
                    let _ = tx.try_send(status_event(name, at));
                })
                .await;
            if first.position != 0 {
                let _ = tx.send(status_event(name, ticket.position())).await;
            }
            let token = token.clone();
            spawn_job(move || {
                let _held = (pass, ticket);
                let doc = run_job(&app, tier, job.input, &job.id, job.force_english, &token)?;
                finish_json(doc, job.min_score)
            })
            .await
        }
    };
    tokio::pin!(main);
    if let Some(preliminary) = preliminary {
        tokio::select! {
            biased;
            done = &mut main => {
                let _ = tx.send(result_event(name, true, &done?)).await;
                return Ok(());
            }
            early = preliminary => match early {
                Ok(json) => {
                    let _ = tx.send(result_event(Tier::Fast.name(), false, &json)).await;
                }
                // The final result still comes; the preliminary is a nicety.
                Err(e) => tracing::debug!(code = e.code(), "no preliminary result: {e}"),
            },
        }
    }
    let done = main.await?;
    let _ = tx.send(result_event(name, true, &done)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_event_wraps_the_document() {
        let doc = r#"{"id":"d","text":"a\nb"}"#;
        let data = result_data("fast", false, &format!("{doc}\n"));
        assert!(!data.contains('\n'), "one line: {data}");
        let parsed: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(parsed["document"]["text"], "a\nb");
        assert_eq!(
            (&parsed["tier"], &parsed["final"]),
            (&"fast".into(), &false.into())
        );
    }
}
