//! A small builder for ONNX graphs: nodes named in order, constants as initializers.

use crate::proto::{
    attribute_type, data_type, AttributeProto, Dimension, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, StringStringEntryProto, TensorProto, TensorShapeProto, TensorTypeProto,
    TypeProto, ValueInfoProto,
};

/// Whether a column holds numbers (double) or text (string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Numeric,
    Categorical,
}

/// An operator attribute's value.
pub(crate) enum Attr<'a> {
    Int(i64),
    Float(f32),
    String(String),
    Ints(Vec<i64>),
    Floats(Vec<f32>),
    Strings(Vec<&'a str>),
}

/// Names the builder generates start with this, so they cannot be mistaken for a column.
pub(crate) const PREFIX: &str = "logreg.";

pub(crate) struct Graph {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    next: usize,
}

fn value_info(name: &str, kind: Kind, width: Option<usize>, rank: usize) -> ValueInfoProto {
    let mut dim = vec![Dimension {
        dim_value: None,
        dim_param: Some("N".into()),
    }];
    if rank == 2 {
        dim.push(Dimension {
            dim_value: width.map(|w| w as i64),
            dim_param: None,
        });
    }
    ValueInfoProto {
        name: Some(name.to_string()),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: Some(match kind {
                    Kind::Numeric => data_type::DOUBLE,
                    Kind::Categorical => data_type::STRING,
                }),
                shape: Some(TensorShapeProto { dim }),
            }),
        }),
        doc_string: None,
    }
}

impl Graph {
    pub(crate) fn new() -> Self {
        Graph {
            nodes: Vec::new(),
            initializers: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            next: 0,
        }
    }

    fn fresh(&mut self, what: &str) -> String {
        self.next += 1;
        format!("{PREFIX}{}.{what}", self.next)
    }

    /// A graph input `[N, width]` named `name`; returns its name.
    pub(crate) fn input(&mut self, name: &str, kind: Kind, width: usize) -> String {
        self.inputs.push(value_info(name, kind, Some(width), 2));
        name.to_string()
    }

    /// The graph output `name`: `[N]` for text, `[N, width]` for numbers.
    pub(crate) fn output(&mut self, tensor: &str, name: &str, kind: Kind, width: Option<usize>) {
        self.nodes
            .push(node("Identity", "", &[tensor.to_string()], name, &[]));
        let rank = if kind == Kind::Categorical { 1 } else { 2 };
        self.outputs.push(value_info(name, kind, width, rank));
    }

    /// A node of the default domain (`ai.onnx`); returns its output's name.
    pub(crate) fn op(&mut self, op: &str, inputs: &[String], attrs: &[(&str, Attr<'_>)]) -> String {
        let out = self.fresh(op);
        self.nodes.push(node(op, "", inputs, &out, attrs));
        out
    }

    /// A node of `ai.onnx.ml`; returns its output's name.
    pub(crate) fn ml_op(
        &mut self,
        op: &str,
        inputs: &[String],
        attrs: &[(&str, Attr<'_>)],
    ) -> String {
        let out = self.fresh(op);
        self.nodes.push(node(op, "ai.onnx.ml", inputs, &out, attrs));
        out
    }

    /// `x` cast to double.
    pub(crate) fn cast_double(&mut self, x: String) -> String {
        self.op(
            "Cast",
            &[x],
            &[("to", Attr::Int(i64::from(data_type::DOUBLE)))],
        )
    }

    fn constant(&mut self, mut t: TensorProto) -> String {
        let name = self.fresh("const");
        t.name = Some(name.clone());
        self.initializers.push(t);
        name
    }

    /// A double constant of shape `dims`.
    pub(crate) fn const_f64(&mut self, dims: &[i64], values: &[f64]) -> String {
        debug_assert_eq!(dims.iter().product::<i64>() as usize, values.len());
        self.constant(TensorProto {
            dims: dims.to_vec(),
            data_type: Some(data_type::DOUBLE),
            raw_data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
            ..TensorProto::default()
        })
    }

    /// An int64 constant of shape `dims`.
    pub(crate) fn const_i64(&mut self, dims: &[i64], values: &[i64]) -> String {
        debug_assert_eq!(dims.iter().product::<i64>() as usize, values.len());
        self.constant(TensorProto {
            dims: dims.to_vec(),
            data_type: Some(data_type::INT64),
            raw_data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
            ..TensorProto::default()
        })
    }

    /// A string constant of shape `dims`.
    pub(crate) fn const_str(&mut self, dims: &[i64], values: &[&str]) -> String {
        debug_assert_eq!(dims.iter().product::<i64>() as usize, values.len());
        self.constant(TensorProto {
            dims: dims.to_vec(),
            data_type: Some(data_type::STRING),
            string_data: values.iter().map(|s| s.as_bytes().to_vec()).collect(),
            ..TensorProto::default()
        })
    }

    /// The model: this graph with the operator sets and producer filled in.
    pub(crate) fn into_model(self, doc: &str) -> ModelProto {
        ModelProto {
            ir_version: Some(crate::IR_VERSION),
            producer_name: Some("logreg".into()),
            producer_version: Some(env!("CARGO_PKG_VERSION").into()),
            domain: None,
            model_version: Some(1),
            doc_string: Some(doc.to_string()),
            graph: Some(GraphProto {
                node: self.nodes,
                name: Some("logreg".into()),
                initializer: self.initializers,
                doc_string: None,
                input: self.inputs,
                output: self.outputs,
            }),
            opset_import: vec![
                OperatorSetIdProto {
                    domain: Some(String::new()),
                    version: Some(crate::OPSET),
                },
                OperatorSetIdProto {
                    domain: Some("ai.onnx.ml".into()),
                    version: Some(crate::ML_OPSET),
                },
            ],
            metadata_props: vec![StringStringEntryProto {
                key: Some("outputs".into()),
                value: Some("label: predicted class; probabilities: one column per class".into()),
            }],
        }
    }
}

fn node(
    op: &str,
    domain: &str,
    inputs: &[String],
    output: &str,
    attrs: &[(&str, Attr<'_>)],
) -> NodeProto {
    NodeProto {
        input: inputs.to_vec(),
        output: vec![output.to_string()],
        name: Some(format!("{output}.node")),
        op_type: Some(op.to_string()),
        attribute: attrs.iter().map(|(n, v)| attribute(n, v)).collect(),
        doc_string: None,
        domain: Some(domain.to_string()),
    }
}

fn attribute(name: &str, value: &Attr<'_>) -> AttributeProto {
    let mut a = AttributeProto {
        name: Some(name.to_string()),
        ..AttributeProto::default()
    };
    match value {
        Attr::Int(i) => {
            a.i = Some(*i);
            a.r#type = Some(attribute_type::INT);
        }
        Attr::Float(f) => {
            a.f = Some(*f);
            a.r#type = Some(attribute_type::FLOAT);
        }
        Attr::String(s) => {
            a.s = Some(s.as_bytes().to_vec());
            a.r#type = Some(attribute_type::STRING);
        }
        Attr::Ints(v) => {
            a.ints = v.clone();
            a.r#type = Some(attribute_type::INTS);
        }
        Attr::Floats(v) => {
            a.floats = v.clone();
            a.r#type = Some(attribute_type::FLOATS);
        }
        Attr::Strings(v) => {
            a.strings = v.iter().map(|s| s.as_bytes().to_vec()).collect();
            a.r#type = Some(attribute_type::STRINGS);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn tensors_and_attributes_encode_as_the_schema_says() {
        let mut g = Graph::new();
        let c = g.const_f64(&[1, 2], &[1.5, -2.0]);
        let x = g.input("x", Kind::Numeric, 2);
        let y = g.op("Add", &[x, c], &[("axis", Attr::Int(1))]);
        g.output(&y, "probabilities", Kind::Numeric, Some(2));
        let bytes = g.into_model("test").encode_to_vec();
        let back = ModelProto::decode(bytes.as_slice()).unwrap();
        let graph = back.graph.unwrap();
        assert_eq!(graph.initializer[0].dims, [1, 2]);
        let raw = graph.initializer[0].raw_data.clone().unwrap();
        assert_eq!(f64::from_le_bytes(raw[8..16].try_into().unwrap()), -2.0);
        assert_eq!(graph.node[0].op_type.as_deref(), Some("Add"));
        assert_eq!(graph.node[0].attribute[0].i, Some(1));
        assert_eq!(graph.output[0].name.as_deref(), Some("probabilities"));
        // ModelProto field 1 (ir_version, varint) comes first on the wire: tag byte 0x08.
        assert_eq!(bytes[0], 0x08);
        assert_eq!(i64::from(bytes[1]), crate::IR_VERSION);
    }
}
