//! The JSON wire types straight into Python objects (dicts, lists, str,
//! int, float, None): what `json.loads` of the writer's JSON gives, value
//! for value, without writing and parsing the text.
//!
//! Numbers are made as the JSON round trip makes them: an `f32` becomes the
//! `float` of its shortest decimal form (as serde_json writes it and
//! Python reads it back), and a non-finite float becomes `None` (serde_json
//! writes `null`). Dict keys, which repeat in every span, are made once per
//! call and shared.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::ser::{self, Serialize};

/// Why a value could not be converted (a Python error, or a serde one).
#[derive(Debug)]
pub struct ConvError(pub String);

impl fmt::Display for ConvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConvError {}

impl ser::Error for ConvError {
    fn custom<T: fmt::Display>(msg: T) -> ConvError {
        ConvError(msg.to_string())
    }
}

impl From<std::convert::Infallible> for ConvError {
    fn from(e: std::convert::Infallible) -> ConvError {
        match e {}
    }
}

impl From<PyErr> for ConvError {
    fn from(e: PyErr) -> ConvError {
        ConvError(e.to_string())
    }
}

type Result<T> = std::result::Result<T, ConvError>;

/// Keys made so far in this call.
struct Keys<'py> {
    py: Python<'py>,
    fields: RefCell<HashMap<&'static str, Bound<'py, PyString>>>,
    names: RefCell<HashMap<String, Bound<'py, PyString>>>,
}

impl<'py> Keys<'py> {
    fn field(&self, key: &'static str) -> Bound<'py, PyString> {
        self.fields
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| PyString::new(self.py, key))
            .clone()
    }

    fn name(&self, key: &str) -> Bound<'py, PyString> {
        if let Some(k) = self.names.borrow().get(key) {
            return k.clone();
        }
        let k = PyString::new(self.py, key);
        self.names.borrow_mut().insert(key.to_string(), k.clone());
        k
    }
}

/// `value` as Python objects, equal to `json.loads(serde_json::to_string(value))`.
///
/// # Errors
/// When serialising fails (a map key that is not a string).
pub fn to_py<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> Result<Bound<'py, PyAny>> {
    let keys = Keys {
        py,
        fields: RefCell::new(HashMap::new()),
        names: RefCell::new(HashMap::new()),
    };
    value.serialize(Conv { keys: &keys })
}

#[derive(Clone, Copy)]
struct Conv<'a, 'py> {
    keys: &'a Keys<'py>,
}

impl<'py> Conv<'_, 'py> {
    fn py(&self) -> Python<'py> {
        self.keys.py
    }

    fn float(&self, v: f64) -> Result<Bound<'py, PyAny>> {
        if v.is_finite() {
            Ok(v.into_pyobject(self.py())?.into_any())
        } else {
            Ok(self.py().None().into_bound(self.py()))
        }
    }
}

/// A list being built.
struct Seq<'a, 'py> {
    conv: Conv<'a, 'py>,
    items: Vec<Bound<'py, PyAny>>,
}

/// A dict being built.
struct Map<'a, 'py> {
    conv: Conv<'a, 'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyString>>,
}

impl<'a, 'py> ser::Serializer for Conv<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvError;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, ConvError>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Map<'a, 'py>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, ConvError>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok> {
        Ok(pyo3::types::PyBool::new(self.py(), v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Result<Self::Ok> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Self::Ok> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Self::Ok> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Self::Ok> {
        Ok(v.into_pyobject(self.py())?.into_any())
    }
    fn serialize_u8(self, v: u8) -> Result<Self::Ok> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Self::Ok> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Self::Ok> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Self::Ok> {
        Ok(v.into_pyobject(self.py())?.into_any())
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok> {
        if !v.is_finite() {
            return self.float(f64::NAN);
        }
        // The f64 that reading serde_json's shortest f32 form gives.
        let shortest = v.to_string().parse::<f64>().unwrap_or(f64::from(v));
        self.float(shortest)
    }
    fn serialize_f64(self, v: f64) -> Result<Self::Ok> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Self::Ok> {
        Ok(PyString::new(self.py(), v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok> {
        let items: Vec<u8> = v.to_vec();
        Ok(PyList::new(self.py(), items)?.into_any())
    }
    fn serialize_none(self) -> Result<Self::Ok> {
        Ok(self.py().None().into_bound(self.py()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Self::Ok> {
        Ok(self.keys.field(variant).into_any())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        let dict = PyDict::new(self.py());
        dict.set_item(self.keys.field(variant), value.serialize(self)?)?;
        Ok(dict.into_any())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a, 'py>> {
        Ok(Seq {
            conv: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a, 'py>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(ConvError(format!(
            "tuple variants are not converted ({name})"
        )))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'py>> {
        Ok(Map {
            conv: self,
            dict: PyDict::new(self.py()),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map<'a, 'py>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(ConvError(format!(
            "struct variants are not converted ({name})"
        )))
    }
}

impl<'py> Seq<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(self.conv)?);
        Ok(())
    }

    fn done(self) -> Result<Bound<'py, PyAny>> {
        Ok(PyList::new(self.conv.py(), self.items)?.into_any())
    }
}

impl<'py> ser::SerializeSeq for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.done()
    }
}

impl<'py> ser::SerializeTuple for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.done()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Self::Ok> {
        self.done()
    }
}

/// Map keys: strings only, as in JSON (numbers written as strings).
struct KeyConv<'a, 'py> {
    keys: &'a Keys<'py>,
}

impl<'py> KeyConv<'_, 'py> {
    fn text(&self, s: &str) -> Result<Bound<'py, PyString>> {
        Ok(self.keys.name(s))
    }
}

macro_rules! number_key {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> Result<Self::Ok> {
            self.text(&v.to_string())
        })*
    };
}

impl<'py> ser::Serializer for KeyConv<'_, 'py> {
    type Ok = Bound<'py, PyString>;
    type Error = ConvError;
    type SerializeSeq = ser::Impossible<Self::Ok, ConvError>;
    type SerializeTuple = ser::Impossible<Self::Ok, ConvError>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, ConvError>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, ConvError>;
    type SerializeMap = ser::Impossible<Self::Ok, ConvError>;
    type SerializeStruct = ser::Impossible<Self::Ok, ConvError>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, ConvError>;

    number_key!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_bool: bool, serialize_char: char);

    fn serialize_str(self, v: &str) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<Self::Ok> {
        self.text(v)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok> {
        Err(ConvError("a float map key".into()))
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok> {
        Err(ConvError("a float map key".into()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok> {
        Err(ConvError("a bytes map key".into()))
    }
    fn serialize_none(self) -> Result<Self::Ok> {
        Err(ConvError("a null map key".into()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok> {
        Err(ConvError("a unit map key".into()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok> {
        Err(ConvError("a unit map key".into()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok> {
        Err(ConvError("an enum map key".into()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(ConvError("a list map key".into()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(ConvError("a tuple map key".into()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(ConvError("a tuple map key".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(ConvError("a tuple map key".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(ConvError("a map map key".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(ConvError("a struct map key".into()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(ConvError("a struct map key".into()))
    }
}

impl<'py> ser::SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeyConv {
            keys: self.conv.keys,
        })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ConvError("a map value without a key".into()))?;
        self.dict.set_item(key, value.serialize(self.conv)?)?;
        Ok(())
    }
    fn end(self) -> Result<Self::Ok> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStruct for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let value = value.serialize(self.conv)?;
        self.dict.set_item(self.conv.keys.field(key), value)?;
        Ok(())
    }
    fn end(self) -> Result<Self::Ok> {
        Ok(self.dict.into_any())
    }
}
