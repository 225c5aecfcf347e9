//! The data set both fits consume: named design matrix (intercept `const`
//! first, as statsmodels' `add_constant`) and a 0/1 target, in f64.
use tch::{Device, Kind, TchError, Tensor};

/// A design matrix with an intercept column and a binary target.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Column names of the design matrix: `const`, then the features.
    pub names: Vec<String>,
    /// Name of the target column (statsmodels' `Dep. Variable`).
    pub target: String,
    /// Row-major n × k design matrix; column 0 is all ones.
    pub x: Vec<f64>,
    /// Target, each 0.0 or 1.0.
    pub y: Vec<f64>,
    /// Number of rows.
    pub n: usize,
    /// Number of design columns, intercept included.
    pub k: usize,
    /// Where the data came from: a file path, or `simulated`.
    pub source: String,
    /// True coefficients (intercept first), known for simulated data only.
    pub truth: Option<Vec<f64>>,
}

impl Dataset {
    /// Assemble a data set from already-validated parts.
    /// `x` is row-major with `names.len()` columns, the first all ones.
    pub fn from_parts(
        names: Vec<String>,
        target: String,
        x: Vec<f64>,
        y: Vec<f64>,
        source: String,
    ) -> Self {
        let k = names.len();
        let n = y.len();
        debug_assert_eq!(x.len(), n * k);
        Dataset {
            names,
            target,
            x,
            y,
            n,
            k,
            source,
            truth: None,
        }
    }

    /// Attach the true coefficients (simulated data).
    pub fn with_truth(mut self, beta: Vec<f64>) -> Self {
        self.truth = Some(beta);
        self
    }

    /// Feature names (the design columns without `const`).
    pub fn feature_names(&self) -> &[String] {
        &self.names[1..]
    }

    /// The design matrix as an n × k tensor of `kind` on `device`.
    pub fn x_tensor(&self, kind: Kind, device: Device) -> Result<Tensor, TchError> {
        Tensor::f_from_slice(&self.x)?
            .f_view([self.n as i64, self.k as i64])?
            .f_to_kind(kind)?
            .f_to_device(device)
    }

    /// The features only (no intercept column) as an n × (k-1) tensor: the
    /// network's input, whose bias plays the intercept.
    pub fn features_tensor(&self, kind: Kind, device: Device) -> Result<Tensor, TchError> {
        self.x_tensor(Kind::Double, Device::Cpu)?
            .f_narrow(1, 1, self.k as i64 - 1)?
            .f_contiguous()?
            .f_to_kind(kind)?
            .f_to_device(device)
    }

    /// The target as an n × 1 tensor of `kind` on `device` (BCE's shape).
    pub fn y_tensor(&self, kind: Kind, device: Device) -> Result<Tensor, TchError> {
        Tensor::f_from_slice(&self.y)?
            .f_view([self.n as i64, 1])?
            .f_to_kind(kind)?
            .f_to_device(device)
    }

    /// Column `j` of the design matrix.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.n).map(|i| self.x[i * self.k + j]).collect()
    }
}
