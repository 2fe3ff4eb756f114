//! Servers with both tiers.

use super::*;

// ------------------------------------------------------------ tiers

#[tokio::test]
async fn both_tiers_are_served_neural_first() {
    let options = AnalysisOptions {
        tier: Some(Tier::Neural),
        ..AnalysisOptions::default()
    };
    let tiers = Analyzer::load_tiers(&options).expect("both tiers ship");
    let router = App::with_tiers(tiers, Limits::default())
        .expect("two tiers")
        .router();
    let health = get(&router, "/api/health").await.json();
    assert_eq!(health["tiers"], serde_json::json!(["neural", "fast"]));
    assert!(health["model"]
        .as_str()
        .unwrap()
        .starts_with("neural-minilm@"));
    let text = "Title\n\nThese corrupt traitors will destroy our great nation! Everyone knows \
        the shameful, disgraceful truth about the radical elite and their lies.";
    for (tier, prefix) in [
        (None, "neural-minilm@"),
        (Some("neural"), "neural-minilm@"),
        (Some("fast"), "fast-"),
    ] {
        let mut request = serde_json::json!({ "text": text });
        if let Some(t) = tier {
            request["tier"] = t.into();
        }
        let reply = analyze(&router, request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let doc = reply.json();
        let spans = doc["layers"]["technique"]
            .as_array()
            .expect("technique layer");
        assert!(!spans.is_empty(), "{tier:?} finds the loaded language");
        for s in spans {
            let p = s["provenance"].as_str().unwrap_or("");
            assert!(p.starts_with(prefix), "{tier:?}: provenance {p}");
        }
    }
}
