//! The panel beside (landscape) or below (portrait) the map: the locator, the scale bar and
//! north arrow, the legend, detail insets and the list of events, flowed down its columns
//! ([`Flow`]); and the page's title, notes and credits. Each element in its own module.

pub(crate) mod credits;
pub(crate) mod events;
pub(crate) mod insets;
pub(crate) mod legend;
pub(crate) mod locator;
pub(crate) mod north_arrow;
pub(crate) mod notes;
pub(crate) mod scale_bar;
pub(crate) mod title;

use super::labels::BoxMm;

/// Flows blocks down the panel's columns, remembering where each went.
pub(crate) struct Flow {
    pub columns: Vec<BoxMm>,
    pub col: usize,
    pub y: f64,
    pub gap: f64,
    /// Every block handed out: what it holds and its box.
    pub boxes: Vec<(String, BoxMm)>,
}

impl Flow {
    pub fn new(columns: Vec<BoxMm>, gap: f64) -> Self {
        let y = columns.first().map_or(0.0, |c| c.y0);
        Self {
            columns,
            col: 0,
            y,
            gap,
            boxes: vec![],
        }
    }
    /// Width of a column.
    pub fn width(&self) -> f64 {
        self.columns.first().map_or(0.0, BoxMm::w)
    }
    /// Height left in the current column.
    pub fn room(&self) -> f64 {
        self.columns.get(self.col).map_or(0.0, |c| c.y1 - self.y)
    }
    /// Moves to the top of the next column unless the current one is still empty.
    pub fn fresh_column(&mut self) {
        if let Some(c) = self.columns.get(self.col)
            && self.y > c.y0 + 1e-6
        {
            self.col += 1;
            if let Some(next) = self.columns.get(self.col) {
                self.y = next.y0;
            }
        }
    }
    /// Room for a block `what` of height `h`: its top-left corner, moving to the next column if
    /// needed.
    pub fn take(&mut self, what: &str, h: f64) -> Option<(f64, f64)> {
        loop {
            let c = *self.columns.get(self.col)?;
            if self.y + h <= c.y1 + 1e-6 {
                let at = (c.x0, self.y);
                self.boxes
                    .push((what.to_owned(), BoxMm::new(c.x0, self.y, c.w(), h)));
                self.y += h + self.gap;
                return Some(at);
            }
            if self.y <= c.y0 + 1e-6 {
                // Does not fit even in an empty column.
                return None;
            }
            self.col += 1;
            if let Some(next) = self.columns.get(self.col) {
                self.y = next.y0;
            }
        }
    }
    /// Like [`Flow::take`], without the gap after the block (rows of one list).
    pub fn take_tight(&mut self, what: &str, h: f64) -> Option<(f64, f64)> {
        let at = self.take(what, h)?;
        self.y -= self.gap;
        Some(at)
    }
}
