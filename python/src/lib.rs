//! `unspin._native`, the compiled half of the `unspin` Python package: a
//! thin layer over `unspin-analysis` (the library the command line and
//! the server run), the readers and the writers. The Python half
//! (`python/unspin/`) adds the module-level `analyze`, `analyze_many`'s
//! generator and the exception classes; `_native.pyi` documents the API.
//!
//! - [`input`]: keyword arguments and `analyze_many` items → a
//!   [`Request`](input::Request) → a `Document`, read as `unspin analyze
//!   --input text|markdown|html` (or a URL) would.
//! - [`analyzer`]: `Analyzer` (the loaded models and a rayon pool of
//!   `threads`); every call releases the GIL.
//! - [`arrow`]: `Analyzer.analyze_arrow`, pyarrow in and out through the
//!   Arrow C data interface (`arrow-pyarrow`, the arrow-rs project's own
//!   binding, on the workspace's arrow version).
//! - [`pyobj`]: the JSON wire types straight into dicts and lists, equal to
//!   `json.loads` of the writer's JSON.
//! - [`stats`]: `unspin corpus stats` over per-article rows held in Python
//!   (for `unspin.spark`; `unspin_corpus::external`).
//! - [`errors`]: Rust errors → `unspin.InputError`, `ModelError`,
//!   `UnspinError` (defined in Python), `ValueError`, `TypeError`.
#![deny(missing_docs)]

mod analyzer;
mod arrow;
mod errors;
mod input;
mod pyobj;
mod stats;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::errors::{chain, Failure};
use crate::input::Request;

/// The readers alone: one article as compact unspin JSON, with the
/// structure layers the reader found and no analysis.
#[pyfunction]
#[pyo3(signature = (text=None, *, html=None, markdown=None, url=None, id=None))]
fn extract_json(
    py: Python<'_>,
    text: Option<Bound<'_, PyString>>,
    html: Option<Bound<'_, PyString>>,
    markdown: Option<Bound<'_, PyString>>,
    url: Option<Bound<'_, PyString>>,
    id: Option<Bound<'_, PyString>>,
) -> PyResult<String> {
    let request = Request::from_py(text, html, markdown, url, id)?;
    let json = py.detach(|| -> Result<String, Failure> {
        let doc = request.read()?;
        unspin_writers::to_json_line(&doc).map_err(|e| Failure::Analysis(chain(&e)))
    })?;
    Ok(json)
}

/// The 14 techniques: label, name, definition, example, color.
#[pyfunction]
fn techniques(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for t in unspin_taxonomy::TECHNIQUES {
        let d = PyDict::new(py);
        d.set_item("label", t.label)?;
        d.set_item("name", t.name)?;
        d.set_item("definition", t.definition)?;
        d.set_item("example", t.example)?;
        d.set_item("color", t.color)?;
        list.append(d)?;
    }
    Ok(list)
}

/// The compiled module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<analyzer::PyAnalyzer>()?;
    m.add_class::<analyzer::Pending>()?;
    m.add_function(wrap_pyfunction!(extract_json, m)?)?;
    m.add_function(wrap_pyfunction!(techniques, m)?)?;
    stats::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_ID", input::DEFAULT_ID)?;
    Ok(())
}
