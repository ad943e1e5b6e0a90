//! SVG plots of the cost curves (issue 18) with `plotters`: one file per case, one panel per figure,
//! one line per server, the steps evenly spaced on x (they grow ×4 to ×16) and labelled with their
//! value, written beside results.json.

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

/// One server's line: (x, y) points in step order.
pub struct Series {
    /// Legend text (the server).
    pub name: String,
    /// The points.
    pub points: Vec<(f64, f64)>,
}

/// One panel: a figure against the step.
pub struct Panel {
    /// Panel title with its unit (`RSS, MB`).
    pub title: String,
    /// The servers' lines.
    pub series: Vec<Series>,
}

/// Line colours by series order: lectern first, then peers.
const COLOURS: [RGBColor; 4] = [
    RGBColor(0xd6, 0x4f, 0x1e),
    RGBColor(0x1f, 0x6f, 0xb4),
    RGBColor(0x3a, 0x9a, 0x3a),
    RGBColor(0x80, 0x80, 0x80),
];

/// Writes `panels` side by side into the SVG file `path`, x labelled `x_label`.
pub fn write_svg(path: &Path, title: &str, x_label: &str, panels: &[Panel]) -> Result<()> {
    let width = 380 * panels.len().max(1) as u32;
    let root = SVGBackend::new(path, (width, 380)).into_drawing_area();
    let plot_error = |e: &dyn std::fmt::Display| anyhow!("plot {}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| plot_error(&e))?;
    let root = root
        .titled(title, ("sans-serif", 18))
        .map_err(|e| plot_error(&e))?;
    let areas = root.split_evenly((1, panels.len().max(1)));
    for (panel, area) in panels.iter().zip(areas.iter()) {
        let points = || panel.series.iter().flat_map(|s| s.points.iter());
        // The steps, in order: x is a step's position, its label the step's value.
        let mut steps: Vec<f64> = points().map(|p| p.0).collect();
        steps.sort_by(f64::total_cmp);
        steps.dedup();
        let position = |x: f64| steps.iter().position(|s| *s == x).unwrap_or(0) as f64;
        let last = steps.len().saturating_sub(1) as f64;
        let y_max = points().map(|p| p.1).fold(0.0_f64, f64::max).max(1e-9) * 1.15;
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.title, ("sans-serif", 15))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.3..last + 0.3, 0.0..y_max)
            .map_err(|e| plot_error(&e))?;
        let label = |x: &f64| {
            let index = x.round();
            if (x - index).abs() < 0.01 && index >= 0.0 {
                steps
                    .get(index as usize)
                    .map_or(String::new(), |v| format!("{v}"))
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(x_label)
            .x_labels(steps.len() * 4 + 1)
            .x_label_formatter(&label)
            .disable_x_mesh()
            .y_label_formatter(&|y| format!("{y}"))
            .draw()
            .map_err(|e| plot_error(&e))?;
        for (index, series) in panel.series.iter().enumerate() {
            let colour = COLOURS[index % COLOURS.len()];
            let placed: Vec<(f64, f64)> = series.points.iter().map(|&(x, y)| (position(x), y)).collect();
            chart
                .draw_series(LineSeries::new(placed.iter().copied(), colour.stroke_width(2)))
                .map_err(|e| plot_error(&e))?
                .label(series.name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2)));
            chart
                .draw_series(placed.iter().map(|&point| Circle::new(point, 3, colour.filled())))
                .map_err(|e| plot_error(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| plot_error(&e))?;
    }
    root.present().map_err(|e| plot_error(&e))?;
    Ok(())
}
