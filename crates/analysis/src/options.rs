//! What a front end asks for: [`AnalysisOptions`] and its parts.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Deserialize;

/// A technique detector tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// A fine-tuned MiniLM encoder blended with the fast tier: more accurate,
    /// about 100× slower; its attribution tagger is the neural one.
    Neural,
    /// Linear models over hashed features, megabytes a second; its
    /// attribution tagger is the linear one.
    Fast,
}

impl Tier {
    /// Every tier, in the order the API lists them.
    pub const ALL: [Tier; 2] = [Tier::Neural, Tier::Fast];

    /// The tier's name on the command line and in the API (`neural`, `fast`).
    pub fn name(self) -> &'static str {
        match self {
            Tier::Neural => "neural",
            Tier::Fast => "fast",
        }
    }

    /// The tier run when none is asked for: neural when this binary carries
    /// the neural tier's weights, else fast.
    pub fn default_for_binary() -> Tier {
        if unspin_neural::NeuralModel::has_embedded() {
            Tier::Neural
        } else {
            Tier::Fast
        }
    }

    /// The other tier.
    pub fn other(self) -> Tier {
        match self {
            Tier::Neural => Tier::Fast,
            Tier::Fast => Tier::Neural,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A tier name that is not `neural` or `fast`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tier {0:?}; available tiers: neural, fast")]
pub struct UnknownTier(pub String);

impl FromStr for Tier {
    type Err = UnknownTier;
    fn from_str(s: &str) -> Result<Tier, UnknownTier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| UnknownTier(s.to_string()))
    }
}

/// Numeric precision of the neural tier's encoders (the technique detector
/// and the attribution tagger). The fast tier ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// int8 where it is fast (any x86-64 CPU with AVX2: a VNNI kernel, or
    /// the 7-bit AVX2 one), else f32; never an error. int8 costs at most 0.4
    /// F1 points on validation (model cards: with VNNI 0.4 SI points and no
    /// TC point for the technique tier, 0.3 points for the attribution
    /// tagger; with the 7-bit AVX2 kernel 0.2 TC points and 0.2
    /// attribution points), within the 0.5 allowed. The technique spans'
    /// provenance says which ran (`…/int8`).
    #[default]
    Auto,
    /// f32 weights and activations: matches the recorded scores exactly.
    F32,
    /// int8 weights and activations in the dense layers: about twice as fast
    /// as f32 on CPUs with AVX-512 VNNI, AVX-VNNI or AVX2 alone (there with
    /// 7-bit activations), and on ARM CPUs with the dot-product extension;
    /// an error on other CPUs.
    Int8,
}

impl Precision {
    /// The precision's name (`auto`, `f32`, `int8`).
    pub fn name(self) -> &'static str {
        match self {
            Precision::Auto => "auto",
            Precision::F32 => "f32",
            Precision::Int8 => "int8",
        }
    }

    /// The encoder's precision (`Auto` is resolved before it is asked).
    pub(crate) fn encoder(self) -> unspin_neural::encoder::Precision {
        match self {
            Precision::Auto | Precision::F32 => unspin_neural::encoder::Precision::F32,
            Precision::Int8 => unspin_neural::encoder::Precision::Int8,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to run, as plain data: what command-line flags, HTTP request fields
/// and keyword arguments become. [`Analyzer::new`](crate::Analyzer::new)
/// turns it into the pipeline that runs; every choice is resolved there.
///
/// Deserialises from JSON (or any serde format) with every field optional:
/// `{}` is the default, `{"tier": "fast", "sourcing": false}` the fast
/// tier without the sourcing layers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisOptions {
    /// The detector tier; `None`: the fast tier when [`model`](Self::model)
    /// is given, else [`Tier::default_for_binary`].
    pub tier: Option<Tier>,
    /// A model file to use instead of the one embedded in the binary: a fast
    /// model written by `unspin train`, or with the neural tier a
    /// `neural.safetensors` with its `tokenizer.json` beside it.
    pub model: Option<PathBuf>,
    /// Propaganda probability (0 to 1) from which a word is marked; `None`:
    /// the model's own, tuned at training.
    pub threshold: Option<f32>,
    /// Precision of the neural tier's encoders.
    pub precision: Precision,
    /// Run the sourcing stage (entities, quotes and speakers, cited sources,
    /// hedges, check-worthy claims) after the technique tier.
    pub sourcing: bool,
    /// When something asked for cannot run (int8 on a CPU without its kernels, the
    /// neural attribution tagger, a second tier of a server), run
    /// the nearest thing instead and report it in the provenance, rather than
    /// failing. Off by default: nothing falls back silently.
    pub allow_fallback: bool,
    /// Analyse every text as English, whatever its language or letters
    /// look like (`--force-language en`). Off: a text in another language
    /// or mostly not letters gets a warning and no English-only layers
    /// (see [`judge`](crate::judge)).
    pub force_english: bool,
}

impl Default for AnalysisOptions {
    fn default() -> AnalysisOptions {
        AnalysisOptions {
            tier: None,
            model: None,
            threshold: None,
            precision: Precision::F32,
            sourcing: true,
            allow_fallback: false,
            force_english: false,
        }
    }
}

impl AnalysisOptions {
    /// The tier these options run: [`tier`](Self::tier), else fast with a
    /// [`model`](Self::model) file, else [`Tier::default_for_binary`].
    pub fn resolved_tier(&self) -> Tier {
        match self.tier {
            Some(t) => t,
            None if self.model.is_some() => Tier::Fast,
            None => Tier::default_for_binary(),
        }
    }
}

/// What this CPU can run. [`Capabilities::detect`] asks the CPU; tests build
/// one by hand to take the paths a CPU without int8 support takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The neural encoder's int8 kernels can run (AVX2 at least, or ARM's
    /// dot product).
    pub int8: bool,
    /// They run faster than f32 (a VNNI kernel, the 7-bit AVX2 one or ARM's): what
    /// `auto` asks.
    pub int8_fast: bool,
}

impl Capabilities {
    /// The capabilities of the CPU this process runs on.
    pub fn detect() -> Capabilities {
        let kernel = unspin_neural::int8::kernel();
        Capabilities {
            int8: kernel.is_some(),
            int8_fast: kernel.is_some_and(|k| k.faster_than_f32()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_deserialise_with_defaults() {
        let o: AnalysisOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(o, AnalysisOptions::default());
        assert!(o.sourcing && !o.allow_fallback);
        let o: AnalysisOptions = serde_json::from_str(
            r#"{"tier": "fast", "precision": "int8", "sourcing": false, "allow_fallback": true}"#,
        )
        .unwrap();
        assert_eq!(o.tier, Some(Tier::Fast));
        assert_eq!(o.precision, Precision::Int8);
        assert!(!o.sourcing && o.allow_fallback);
        assert!(serde_json::from_str::<AnalysisOptions>(r#"{"tier": "deep"}"#).is_err());
        assert!(serde_json::from_str::<AnalysisOptions>(r#"{"tiers": "fast"}"#).is_err());
    }

    #[test]
    fn tiers_by_name() {
        assert_eq!("fast".parse(), Ok(Tier::Fast));
        assert_eq!("neural".parse(), Ok(Tier::Neural));
        let e = "deep".parse::<Tier>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown tier \"deep\"; available tiers: neural, fast"
        );
        let with_model = AnalysisOptions {
            model: Some("m.safetensors".into()),
            ..AnalysisOptions::default()
        };
        assert_eq!(with_model.resolved_tier(), Tier::Fast);
    }
}
