//! Reading the SVG a chart writes: parsing, elements, texts, polylines, validity.

use logreg_plot::Chart;

pub(crate) const SVG_NS: &str = "http://www.w3.org/2000/svg";

pub(crate) fn parse(svg: &str) -> roxmltree::Document<'_> {
    match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("not well-formed XML ({e}):\n{svg}"),
    }
}

pub(crate) fn elements<'a>(
    doc: &'a roxmltree::Document<'a>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'a>> + 'a {
    doc.descendants()
        .filter(move |n| n.has_tag_name((SVG_NS, name)))
}

/// Every text in the legend box, in order.
pub(crate) fn legend_texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("legend"))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name((SVG_NS, "text"))))
        .map(|t| t.text().unwrap_or("").to_string())
        .collect()
}

pub(crate) fn all_texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    elements(doc, "text")
        .map(|t| t.text().unwrap_or("").to_string())
        .collect()
}

/// The vertices of every polyline, in pixels.
pub(crate) fn polylines(doc: &roxmltree::Document<'_>) -> Vec<Vec<(f64, f64)>> {
    elements(doc, "polyline")
        .map(|p| {
            p.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').expect("x,y pair");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect()
        })
        .collect()
}

/// Checks that every numeric attribute is a finite number and the root is a proper SVG element.
pub(crate) fn assert_valid_svg(svg: &str) {
    let doc = parse(svg);
    let root = doc.root_element();
    assert!(root.has_tag_name((SVG_NS, "svg")));
    for attr in ["width", "height", "viewBox"] {
        assert!(root.attribute(attr).is_some(), "root lacks {attr}");
    }
    let numeric = [
        "x", "y", "cx", "cy", "r", "x1", "y1", "x2", "y2", "width", "height",
    ];
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in node.attributes() {
            let values: Vec<&str> = if attr.name() == "points" {
                attr.value().split([' ', ',']).collect()
            } else if numeric.contains(&attr.name()) {
                vec![attr.value()]
            } else {
                continue;
            };
            for v in values {
                let parsed: f64 = v.parse().unwrap_or(f64::NAN);
                assert!(
                    parsed.is_finite(),
                    "{}={:?} is not a finite number",
                    attr.name(),
                    v
                );
            }
        }
    }
}

pub(crate) fn svg_of(chart: &Chart) -> String {
    match chart.to_svg() {
        Ok(svg) => svg,
        Err(e) => panic!("render failed: {e}"),
    }
}
