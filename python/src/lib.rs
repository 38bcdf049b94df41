//! The native half of the Python package `jixiao`: one file (bytes or a
//! path) through the library's own path — read, normalise, and for `rows`
//! the flat columns of `jixiao::write` — with the GIL released while it
//! runs, then the records handed to Python. The public API, its docstrings
//! and the pandas / Arrow / Dask helpers are in `jixiao/*.py`.

use jixiao::convert::convert_guarded;
use jixiao::error::Error;
use jixiao::limits::Limits;
use jixiao::model::Table;
use jixiao::run::{read_one, Input};
use jixiao::schema::{self, COLUMNS};
use jixiao::write::flat_rows;
use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// What `convert` accepts: bytes (or bytearray) of a file, or a path
/// (`str` or `os.PathLike`).
#[derive(FromPyObject)]
enum Data {
    Bytes(PyBackedBytes),
    Path(PathBuf),
}

impl Data {
    /// The name records carry when none is given: the path as given, as the
    /// CLI records a file named on its command line.
    fn default_name(&self) -> String {
        match self {
            Data::Bytes(_) => "<bytes>".to_string(),
            Data::Path(p) => p.to_string_lossy().replace('\\', "/"),
        }
    }
}

fn limits_from(spec: Option<HashMap<String, u64>>) -> PyResult<Limits> {
    let mut limits = Limits::default();
    let mut spec: Vec<_> = spec.unwrap_or_default().into_iter().collect();
    spec.sort();
    for (name, value) in spec {
        limits
            .set(&format!("{name}={value}"))
            .map_err(|e| PyValueError::new_err(format!("安全限制设置有误 (bad limits): {e}")))?;
    }
    Ok(limits)
}

/// Reads and normalises one input without the GIL, so threads of a Dask
/// worker (or any thread pool) convert in parallel.
fn tables_of(
    py: Python<'_>,
    data: &Data,
    name: Option<String>,
    limits: Option<HashMap<String, u64>>,
) -> PyResult<Vec<Table>> {
    let limits = limits_from(limits)?;
    let name = name.unwrap_or_else(|| data.default_name());
    let result = py.detach(|| match data {
        Data::Bytes(b) => convert_guarded(b, &name, &limits),
        // The CLI's own read: regular files only (a FIFO or device is
        // refused, never waited on), bounded by max_file_bytes.
        Data::Path(p) => read_one(
            &Input {
                path: p.clone(),
                label: name.clone(),
                rel: PathBuf::new(),
            },
            &limits,
        ),
    });
    result
        .map(|n| n.tables)
        .map_err(|e| convert_error(py, e, &name))
}

/// `jixiao.ConvertError(kind, message, file)`, defined in Python so that it
/// pickles across Dask and Spark worker processes.
fn convert_error(py: Python<'_>, e: Error, file: &str) -> PyErr {
    let made = py
        .import("jixiao._errors")
        .and_then(|m| m.getattr("ConvertError"))
        .and_then(|cls| cls.call1((e.kind.as_str(), e.message.as_str(), file)));
    match made {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// Where a JSON value sits in a table record, to know which strings are
/// exact decimals (SCHEMA: budget.*, weight, score, target/actual value and
/// upper).
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Table,
    Budget,
    Indicators,
    Indicator,
    Value,
    Other,
}

fn child(place: Place, key: &str) -> Place {
    match (place, key) {
        (Place::Table, "budget") => Place::Budget,
        (Place::Table, "indicators") => Place::Indicators,
        (Place::Indicator, "target" | "actual") => Place::Value,
        _ => Place::Other,
    }
}

fn is_decimal(place: Place, key: &str) -> bool {
    matches!(
        (place, key),
        (Place::Budget, "total" | "fiscal" | "other")
            | (Place::Indicator, "weight" | "score")
            | (Place::Value, "value" | "upper")
    )
}

fn to_py<'py>(
    py: Python<'py>,
    v: &Value,
    place: Place,
    decimal: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            // The model holds no floats; keep any future one exact as text.
            _ => decimal.call1((n.to_string(),))?,
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let inner = if place == Place::Indicators {
                Place::Indicator
            } else {
                Place::Other
            };
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item, inner, decimal)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                let value = match item {
                    Value::String(s) if is_decimal(place, k) => decimal.call1((s.as_str(),))?,
                    _ => to_py(py, item, child(place, k), decimal)?,
                };
                dict.set_item(k, value)?;
            }
            dict.into_any()
        }
    })
}

/// The tables of one file as SCHEMA JSON records, decimals as `decimal.Decimal`.
#[pyfunction]
#[pyo3(signature = (data, *, name=None, limits=None))]
fn convert<'py>(
    py: Python<'py>,
    data: Data,
    name: Option<String>,
    limits: Option<HashMap<String, u64>>,
) -> PyResult<Bound<'py, PyList>> {
    let tables = tables_of(py, &data, name, limits)?;
    let decimal = py.import("decimal")?.getattr("Decimal")?;
    let list = PyList::empty(py);
    for t in &tables {
        let v = serde_json::to_value(t).map_err(|e| PyValueError::new_err(e.to_string()))?;
        list.append(to_py(py, &v, Place::Table, &decimal)?)?;
    }
    Ok(list)
}

/// The flat rows of one file: the CLI's JSONL rows (the 33 columns of CSV /
/// JSONL, English keys, 说明 as `notes`), as the library's writers make them.
#[pyfunction]
#[pyo3(signature = (data, *, name=None, limits=None))]
fn rows<'py>(
    py: Python<'py>,
    data: Data,
    name: Option<String>,
    limits: Option<HashMap<String, u64>>,
) -> PyResult<Bound<'py, PyList>> {
    let tables = tables_of(py, &data, name, limits)?;
    let flat: Vec<_> = py.detach(|| tables.iter().map(flat_rows).collect());
    let keys: Vec<Bound<'py, PyString>> = COLUMNS
        .iter()
        .map(|c| PyString::intern(py, c.en).to_owned())
        .collect();
    let list = PyList::empty(py);
    for table_rows in flat {
        for row in table_rows {
            let dict = PyDict::new(py);
            for ((key, c), value) in keys.iter().zip(COLUMNS.iter()).zip(row) {
                match value {
                    None => dict.set_item(key, py.None())?,
                    // As JSONL writes them: whole numbers stay numbers.
                    Some(s) if c.value == schema::Value::Whole => match s.parse::<i64>() {
                        Ok(n) => dict.set_item(key, n)?,
                        Err(_) => dict.set_item(key, s)?,
                    },
                    Some(s) => dict.set_item(key, s)?,
                }
            }
            list.append(dict)?;
        }
    }
    Ok(list)
}

/// The files the CLI would read for these paths: folders walked recursively
/// (office and text extensions, in path order), files as given. Returns
/// `(path, name records carry)` pairs.
#[pyfunction]
fn list_inputs(paths: Vec<PathBuf>) -> PyResult<Vec<(PathBuf, String)>> {
    let inputs = jixiao::run::collect(&paths, None).map_err(PyFileNotFoundError::new_err)?;
    Ok(inputs
        .files
        .into_iter()
        .map(|f| (f.path, f.label))
        .collect())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(rows, m)?)?;
    m.add_function(wrap_pyfunction!(list_inputs, m)?)?;
    let columns: Vec<&str> = COLUMNS.iter().map(|c| c.en).collect();
    m.add("COLUMNS", columns)?;
    let zh: Vec<&str> = COLUMNS.iter().map(|c| c.zh).collect();
    m.add("COLUMNS_ZH", zh)?;
    let whole: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| c.value == schema::Value::Whole)
        .map(|c| c.en)
        .collect();
    m.add("WHOLE_NUMBER_COLUMNS", whole)?;
    m.add("VERSION", jixiao::VERSION)?;
    Ok(())
}
