//! `unspin.Analyzer`: the analysis library's `Analyzer`, loaded once, with
//! its own thread pool; every call releases the GIL while Rust works.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use rayon::prelude::*;
use unspin_analysis::{render, AnalysisOptions, OutputFormat, Precision, Tier};
use unspin_document::Document;
use unspin_writers::{to_wire, JsonDocument};

use crate::errors::{chain, Failure};
use crate::input::Request;

/// What an `Analyzer` holds: the loaded models and pipeline, and the pool
/// its work runs on.
pub struct Inner {
    /// The analysis library's analyzer (Sync: shared by the pool's threads).
    pub analyzer: unspin_analysis::Analyzer,
    /// `threads` worker threads.
    pub pool: rayon::ThreadPool,
}

impl Inner {
    /// Reads and analyses one article, turning a panic into an error.
    pub fn analyze_doc(&self, request: &Request) -> Result<Document, Failure> {
        let mut doc = request.read()?;
        self.run(&mut doc)?;
        Ok(doc)
    }

    /// Analyses a document that was read, turning a panic into an error.
    pub fn run(&self, doc: &mut Document) -> Result<(), Failure> {
        match catch_unwind(AssertUnwindSafe(|| self.analyzer.analyze(doc))) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Failure::Analysis(format!(
                "document {:?}: {}",
                doc.id,
                chain(&e)
            ))),
            Err(_) => Err(Failure::Analysis(format!(
                "document {:?}: internal error (a bug: please report it)",
                doc.id
            ))),
        }
    }

    /// One article as compact unspin JSON.
    pub fn analyze_json(&self, request: &Request) -> Result<String, Failure> {
        let doc = self.analyze_doc(request)?;
        render(&doc, OutputFormat::JsonLine).map_err(|e| Failure::Analysis(chain(&e)))
    }

    /// One article in the JSON wire types (to become Python objects).
    pub fn analyze_wire(&self, request: &Request) -> Result<JsonDocument, Failure> {
        let doc = self.analyze_doc(request)?;
        catch_unwind(AssertUnwindSafe(|| to_wire(&doc))).map_err(|_| {
            Failure::Analysis(format!(
                "document {:?}: internal error while writing (a bug: please report it)",
                doc.id
            ))
        })
    }
}

/// One analysed item, as the caller asked for it.
pub enum Out {
    /// Compact JSON.
    Json(String),
    /// The wire types, to become a dict.
    Wire(Box<JsonDocument>),
}

/// `wire` as a dict, equal to `json.loads` of its JSON.
pub fn wire_to_py<'py>(py: Python<'py>, wire: &JsonDocument) -> PyResult<Bound<'py, PyAny>> {
    crate::pyobj::to_py(py, wire)
        .map_err(|e| PyErr::from(Failure::Analysis(format!("cannot convert the result: {e}"))))
}

/// The analysis options of the constructor's arguments.
fn options(
    tier: Option<&str>,
    precision: Option<&str>,
    sourcing: bool,
    threshold: Option<f32>,
    allow_fallback: bool,
    model: Option<PathBuf>,
    force_language: Option<&str>,
) -> Result<AnalysisOptions, Failure> {
    let force_english = match force_language.map(|l| l.trim().to_ascii_lowercase()) {
        None => false,
        Some(l) if matches!(l.as_str(), "en" | "eng" | "english") => true,
        Some(_) => {
            return Err(Failure::Value(format!(
                "force_language={:?}: unspin's models and rules are English-only, so the only \
                 language it can be forced to is \"en\"",
                force_language.unwrap_or_default()
            )))
        }
    };
    let tier = match tier {
        None => None,
        Some(t) => Some(
            t.parse::<Tier>()
                .map_err(|e| Failure::Value(e.to_string()))?,
        ),
    };
    let precision = match precision {
        None | Some("auto") => Precision::Auto,
        Some("f32") => Precision::F32,
        Some("int8") => Precision::Int8,
        Some(other) => {
            return Err(Failure::Value(format!(
                "unknown precision {other:?}; available precisions: auto, f32, int8"
            )))
        }
    };
    if let Some(t) = threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(Failure::Value(format!(
                "threshold must be between 0 and 1, not {t}"
            )));
        }
    }
    Ok(AnalysisOptions {
        tier,
        threshold,
        precision,
        sourcing,
        allow_fallback,
        model,
        force_english,
    })
}

/// The analysis models, loaded once and reused. See `unspin/_native.pyi`.
#[pyclass(name = "Analyzer", module = "unspin._native", subclass, frozen)]
pub struct PyAnalyzer {
    /// Shared with background batches.
    pub inner: Arc<Inner>,
    tier: &'static str,
    threads: usize,
    sourcing: bool,
    threshold: Option<f32>,
    precision: &'static str,
}

#[pymethods]
impl PyAnalyzer {
    #[new]
    #[pyo3(signature = (tier="neural", precision=None, threads=None, *, sourcing=true, threshold=None, allow_fallback=false, model=None, force_language=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        tier: Option<&str>,
        precision: Option<&str>,
        threads: Option<usize>,
        sourcing: bool,
        threshold: Option<f32>,
        allow_fallback: bool,
        model: Option<PathBuf>,
        force_language: Option<&str>,
    ) -> PyResult<PyAnalyzer> {
        let options = options(
            tier,
            precision,
            sourcing,
            threshold,
            allow_fallback,
            model,
            force_language,
        )?;
        if threads == Some(0) {
            return Err(Failure::Value("threads must be at least 1".into()).into());
        }
        let inner = py.detach(|| -> Result<Inner, Failure> {
            let analyzer =
                unspin_analysis::Analyzer::new(&options).map_err(|e| Failure::Model(chain(&e)))?;
            let mut pool = rayon::ThreadPoolBuilder::new().thread_name(|k| format!("unspin-{k}"));
            if let Some(n) = threads {
                pool = pool.num_threads(n);
            }
            let pool = pool
                .build()
                .map_err(|e| Failure::Model(format!("cannot start the threads: {e}")))?;
            Ok(Inner { analyzer, pool })
        })?;
        Ok(PyAnalyzer {
            tier: inner.analyzer.tier().name(),
            threads: inner.pool.current_num_threads(),
            inner: Arc::new(inner),
            sourcing,
            threshold,
            precision: options.precision.name(),
        })
    }

    /// The tier this analyzer runs (`neural` or `fast`).
    #[getter]
    fn tier(&self) -> &'static str {
        self.tier
    }

    /// The number of threads its work runs on.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// Whether the sourcing layers are computed.
    #[getter]
    fn sourcing(&self) -> bool {
        self.sourcing
    }

    /// The threshold asked for (`None`: the model's own).
    #[getter]
    fn threshold(&self) -> Option<f32> {
        self.threshold
    }

    /// The precision asked for (`auto`, `f32` or `int8`).
    #[getter]
    fn precision(&self) -> &'static str {
        self.precision
    }

    /// The technique detector's models and version, with any fallback taken.
    #[getter]
    fn provenance(&self) -> String {
        self.inner.analyzer.provenance().to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Analyzer(tier='{}', precision='{}', threads={}, sourcing={}, threshold={})",
            self.tier,
            self.precision,
            self.threads,
            if self.sourcing { "True" } else { "False" },
            self.threshold.map_or("None".to_string(), |t| t.to_string())
        )
    }

    /// One article as a JSON string (compact unspin JSON).
    #[pyo3(signature = (text=None, *, html=None, markdown=None, url=None, id=None))]
    fn analyze_json(
        &self,
        py: Python<'_>,
        text: Option<Bound<'_, PyString>>,
        html: Option<Bound<'_, PyString>>,
        markdown: Option<Bound<'_, PyString>>,
        url: Option<Bound<'_, PyString>>,
        id: Option<Bound<'_, PyString>>,
    ) -> PyResult<String> {
        let request = Request::from_py(text, html, markdown, url, id)?;
        let inner = &self.inner;
        Ok(py.detach(|| inner.pool.install(|| inner.analyze_json(&request)))?)
    }

    /// One article as a dict (the unspin JSON document).
    #[pyo3(signature = (text=None, *, html=None, markdown=None, url=None, id=None))]
    fn analyze_dict<'py>(
        &self,
        py: Python<'py>,
        text: Option<Bound<'py, PyString>>,
        html: Option<Bound<'py, PyString>>,
        markdown: Option<Bound<'py, PyString>>,
        url: Option<Bound<'py, PyString>>,
        id: Option<Bound<'py, PyString>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = Request::from_py(text, html, markdown, url, id)?;
        let inner = &self.inner;
        let wire = py.detach(|| inner.pool.install(|| inner.analyze_wire(&request)))?;
        wire_to_py(py, &wire)
    }

    /// Starts analysing a list of items in the background; the returned
    /// handle's `wait()` and `take()` give one result or exception per item.
    #[pyo3(signature = (items, as_json=false))]
    fn _start(&self, items: &Bound<'_, PyList>, as_json: bool) -> Pending {
        let requests: Vec<Result<Request, Failure>> =
            items.iter().map(|item| Request::from_item(&item)).collect();
        let (tx, rx) = channel();
        let inner = Arc::clone(&self.inner);
        self.inner.pool.spawn(move || {
            let out: BatchResults = requests
                .par_iter()
                .with_max_len(1)
                .map(|r| match (r, as_json) {
                    (Err(e), _) => Err(e.clone()),
                    (Ok(r), true) => inner.analyze_json(r).map(Out::Json),
                    (Ok(r), false) => inner.analyze_wire(r).map(|w| Out::Wire(Box::new(w))),
                })
                .collect();
            let _ = tx.send(out);
        });
        Pending {
            rx: Mutex::new(Some(rx)),
            done: Mutex::new(None),
        }
    }

    /// See `unspin/_native.pyi`.
    #[pyo3(signature = (batch, text_column="text", id_column="id", output="spans"))]
    fn analyze_arrow(
        &self,
        py: Python<'_>,
        batch: &Bound<'_, PyAny>,
        text_column: &str,
        id_column: &str,
        output: &str,
    ) -> PyResult<Py<PyAny>> {
        crate::arrow::analyze_arrow(py, &self.inner, batch, text_column, id_column, output)
    }
}

/// What a batch gives: per item, its result or why it failed.
type BatchResults = Vec<Result<Out, Failure>>;

/// A batch being analysed in the background.
#[pyclass(module = "unspin._native", frozen)]
pub struct Pending {
    rx: Mutex<Option<Receiver<BatchResults>>>,
    done: Mutex<Option<BatchResults>>,
}

#[pymethods]
impl Pending {
    /// Waits, without the GIL, until the batch is analysed.
    fn wait(&self, py: Python<'_>) -> PyResult<()> {
        let Some(rx) = self.rx.lock().ok().and_then(|mut r| r.take()) else {
            return Ok(());
        };
        let results = py.detach(move || rx.recv()).map_err(|_| {
            Failure::Analysis("the batch was lost (a bug: please report it)".into())
        })?;
        if let Ok(mut done) = self.done.lock() {
            *done = Some(results);
        }
        Ok(())
    }

    /// The batch's results (after `wait`): per item, a dict, a JSON string
    /// (`as_json`) or the exception it raised.
    fn take<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.wait(py)?;
        let results = self
            .done
            .lock()
            .ok()
            .and_then(|mut d| d.take())
            .ok_or_else(|| Failure::Value("this batch was already taken".into()))?;
        let list = PyList::empty(py);
        for result in results {
            match result {
                Ok(Out::Json(json)) => list.append(json)?,
                Ok(Out::Wire(wire)) => list.append(wire_to_py(py, &wire)?)?,
                Err(failure) => list.append(PyErr::from(failure).into_value(py))?,
            }
        }
        Ok(list)
    }
}
