//! One place where Rust errors become Python exceptions.
//!
//! The exception classes live in Python (`unspin/_errors.py`), so that
//! `InputError` can be both an `UnspinError` and a `ValueError`; they are
//! looked up once and raised with the Rust message (the whole cause chain).

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// Why a call failed, before it becomes a Python exception.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The article could not be read (empty, binary, no article text, a URL
    /// that could not be fetched): `unspin.InputError`.
    Input(String),
    /// A model could not load, or what was asked for cannot run here:
    /// `unspin.ModelError`.
    Model(String),
    /// The analysis failed on a document: `unspin.UnspinError`.
    Analysis(String),
    /// An argument has a wrong value (an unknown tier): `ValueError`.
    Value(String),
    /// Arguments that do not fit together (no article, two articles):
    /// `TypeError`.
    Type(String),
}

impl Failure {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Failure::Input(m)
            | Failure::Model(m)
            | Failure::Analysis(m)
            | Failure::Value(m)
            | Failure::Type(m) => m,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// `error: cause: cause…` on one line.
pub fn chain(e: &dyn std::error::Error) -> String {
    unspin_analysis::error_chain(e)
}

/// The exception class `name` of `unspin._errors`.
fn class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.import(py, "unspin._errors", name)
}

static UNSPIN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INPUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static MODEL_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        let (cell, name, message) = match failure {
            Failure::Value(m) => return PyValueError::new_err(m),
            Failure::Type(m) => return PyTypeError::new_err(m),
            Failure::Input(m) => (&INPUT_ERROR, "InputError", m),
            Failure::Model(m) => (&MODEL_ERROR, "ModelError", m),
            Failure::Analysis(m) => (&UNSPIN_ERROR, "UnspinError", m),
        };
        Python::attach(|py| match class(py, cell, name) {
            Ok(cls) => PyErr::from_type(cls.clone(), message),
            Err(e) => PyRuntimeError::new_err(format!("{message} (and {e})")),
        })
    }
}
