//! What a table's columns are: names and types ([`Schema`]), without any values.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The type of a column: numbers or category labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Finite `f64` values.
    Numeric,
    /// Text labels.
    Categorical,
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnType::Numeric => "numeric",
            ColumnType::Categorical => "categorical",
        })
    }
}

/// A column's name and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Column name.
    pub name: String,
    /// Column type.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
}

/// Names and types of a table's columns, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Schema {
    /// The columns, in order.
    pub fields: Vec<Field>,
}

impl Schema {
    /// A schema from `(name, type)` pairs.
    pub fn new<S: Into<String>>(fields: impl IntoIterator<Item = (S, ColumnType)>) -> Self {
        Schema {
            fields: fields
                .into_iter()
                .map(|(name, column_type)| Field {
                    name: name.into(),
                    column_type,
                })
                .collect(),
        }
    }

    /// The type of the named column, if present.
    pub fn column_type(&self, name: &str) -> Option<ColumnType> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.column_type)
    }

    /// The column names, in order.
    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }
}
