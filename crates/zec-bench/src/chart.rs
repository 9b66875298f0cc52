//! The cost curve drawn as an SVG chart: requests/s of each case against the account's size,
//! both axes logarithmic. A flat line is a query whose cost does not grow with the account.

use anyhow::{Result, anyhow};
use plotters::prelude::*;
use std::path::Path;

/// One line of the chart: its name and `(instances, requests/s)` points.
pub type Series = (String, Vec<(f64, f64)>);

/// Dark, distinct colours: one per case.
const COLOURS: [RGBColor; 18] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(0, 0, 128),
    RGBColor(128, 0, 0),
    RGBColor(0, 100, 0),
    RGBColor(75, 0, 130),
    RGBColor(184, 134, 11),
    RGBColor(0, 128, 128),
    RGBColor(199, 21, 133),
    RGBColor(0, 0, 0),
];

/// Reads the curve back from the markdown table `zec-bench curve` prints and keeps
/// (`| case | 1000 | 10000 | ...` with cells `requests/s (share%)`), to redraw it.
pub fn series_from_table(text: &str) -> Result<Vec<Series>> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("| case | 1"));
    let header = lines.next().ok_or_else(|| anyhow!("no curve table"))?;
    let sizes: Vec<f64> = header
        .split('|')
        .skip(2)
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    let mut series = Vec::new();
    for line in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let name = cells.get(1).copied().unwrap_or_default().to_owned();
        let points = cells
            .iter()
            .skip(2)
            .filter_map(|c| c.split_whitespace().next()?.parse::<f64>().ok())
            .zip(&sizes)
            .map(|(rps, n)| (*n, rps))
            .collect();
        series.push((name, points));
    }
    Ok(series)
}

/// Draws one line per `(name, points)`, points being `(instances, requests/s)`.
pub fn draw(path: &Path, series: &[Series]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let xs = series.iter().flat_map(|(_, p)| p.iter().map(|(x, _)| *x));
    let ys = series.iter().flat_map(|(_, p)| p.iter().map(|(_, y)| *y));
    let (x_min, x_max) = xs.fold((f64::MAX, 0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let y_max = ys.fold(1f64, f64::max);
    if series.is_empty() || x_min >= x_max {
        return Err(anyhow!("a curve needs at least two sizes"));
    }
    let root = SVGBackend::new(path, (1100, 820)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "zecd: requests/s by account size (pinned, one core each)",
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(
            (x_min * 0.8..x_max * 1.25).log_scale(),
            (200f64..y_max * 1.5).log_scale(),
        )
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("instances in the account")
        .y_desc("requests/s")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (i, (name, points)) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()].to_rgba();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(2),
            ))
            .map_err(|e| anyhow!("{e}"))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour));
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, colour.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
