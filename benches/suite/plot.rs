//! SVG plots of the cost curves (issue 18) with `plotters`: one file per case, one panel per figure,
//! one line per server, x on a log scale (the steps grow ×4 to ×16), written beside results.json.

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
        let x_max = points().map(|p| p.0).fold(1.0_f64, f64::max);
        let x_min = points().map(|p| p.0).fold(x_max, f64::min).max(0.5);
        let y_max = points().map(|p| p.1).fold(0.0_f64, f64::max).max(1e-9) * 1.15;
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.title, ("sans-serif", 15))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d((x_min * 0.8..x_max * 1.25).log_scale(), 0.0..y_max)
            .map_err(|e| plot_error(&e))?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y}"))
            .draw()
            .map_err(|e| plot_error(&e))?;
        for (index, series) in panel.series.iter().enumerate() {
            let colour = COLOURS[index % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(
                    series.points.iter().copied(),
                    colour.stroke_width(2),
                ))
                .map_err(|e| plot_error(&e))?
                .label(series.name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2)));
            chart
                .draw_series(
                    series
                        .points
                        .iter()
                        .map(|&point| Circle::new(point, 3, colour.filled())),
                )
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
