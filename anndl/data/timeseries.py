"""Time series of the course (§24): the offline series and activities, the course's file formats and their upload
checks; windows and telescopes live in anndl.data.windows (re-exported here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .uploads import UploadError
from .windows import (  # noqa: F401 — the windowing names stay importable from here
    activity_windows,
    build_sequences,
    fit_scaler,
    last_value,
    seasonal_naive,
    time_split,
    user_split,
)

ACTIVITY_COLUMNS = ["user_id", "activity", "timestamp"]  # the course's format; sensor columns follow
SENSOR_COLUMNS = ["x_axis", "y_axis", "z_axis"]  # the course notebook's names for the accelerometer columns


@dataclass
class Series:
    """A (multivariate) series in time order, its target columns and what the page says about it."""

    name: str
    frame: pd.DataFrame  # numeric columns only, rows in time order
    targets: list[str]  # the columns to forecast
    season: int = 0  # seasonal period in steps for the seasonal-naive baseline; 0 = no season
    time: pd.Index | None = None  # timestamps of the rows (None: step numbers)
    source: str = ""
    fixes: list[str] = field(default_factory=list)  # every automatic repair, shown on the page

    @cached_property
    def values(self) -> np.ndarray:
        """(n, channels) float32, converted once (the page reads it several times a rerun); read-only."""
        values = self.frame.to_numpy("float32", copy=True)
        values.flags.writeable = False
        return values

    def content_key(self) -> str:
        """A hash of the values, targets and season: two uploads share a cached result only if they are equal."""
        from anndl.scratch import content_key

        return content_key(self.values.tobytes(), repr(self.values.shape), repr(self.targets), self.season)

    @property
    def target_idx(self) -> list[int]:
        return [list(self.frame.columns).index(t) for t in self.targets]


def _fill(frame: pd.DataFrame, fixes: list[str]) -> pd.DataFrame:
    missing = int(frame.isna().sum().sum())
    if missing:
        frame = frame.interpolate(limit_direction="both")
        fixes.append(f"{missing} missing value(s) were filled by linear interpolation between their neighbours.")
    return frame


def co2() -> Series:
    """Weekly CO₂ at Mauna Loa, 1958–2001 (statsmodels): trend plus a yearly season of 52 weeks."""
    import statsmodels.api as sm

    data = sm.datasets.co2.load_pandas().data
    fixes: list[str] = []
    frame = _fill(data[["co2"]].reset_index(drop=True), fixes)
    return Series("co2", frame, ["co2"], 52, pd.Index(data.index), "statsmodels co2 (bundled)", fixes)


def sunspots() -> Series:
    """Yearly sunspot activity 1700–2008 (statsmodels): an irregular cycle of about 11 years."""
    import statsmodels.api as sm

    data = sm.datasets.sunspots.load_pandas().data
    frame = data[["SUNACTIVITY"]].rename(columns={"SUNACTIVITY": "sunspots"})
    return Series("sunspots", frame, ["sunspots"], 11, pd.Index(data["YEAR"].astype(int)),
                  "statsmodels sunspots (bundled)")


def nile() -> Series:
    """Yearly flow of the Nile at Aswan 1871–1970 (statsmodels): a level shift and no season."""
    import statsmodels.api as sm

    data = sm.datasets.nile.load_pandas().data
    return Series("nile", data[["volume"]].astype("float32"), ["volume"], 0, pd.Index(data["year"].astype(int)),
                  "statsmodels nile (bundled)")


def airline() -> Series:
    """Monthly airline passengers 1949–1960 (sktime): trend and a 12-month season that grows."""
    from sktime.datasets import load_airline

    data = load_airline()
    frame = pd.DataFrame({"passengers": data.to_numpy("float32")})
    return Series("airline", frame, ["passengers"], 12, pd.Index(data.index.to_timestamp()),
                  "sktime airline (bundled)")


SERIES = {"co2": co2, "sunspots": sunspots, "nile": nile, "airline": airline}


def load_series(name: str) -> Series:
    if name not in SERIES:
        raise KeyError(f"Unknown series {name!r}; known: {', '.join(SERIES)}")
    return SERIES[name]()


def guess_season(time: pd.Series) -> int:
    """A season for regular timestamps: 52 for weekly, 12 monthly, 4 quarterly, 7 daily, 24 hourly; else 0."""
    try:
        freq = pd.infer_freq(pd.DatetimeIndex(pd.to_datetime(time, format="mixed").sort_values().unique()))
    except (TypeError, ValueError):
        return 0
    seasons = {"W": 52, "M": 12, "Q": 4, "D": 7, "H": 24, "h": 24}
    return next((v for k, v in seasons.items() if freq and freq.lstrip("0123456789").startswith(k)), 0)


def forecast_csv(frame: pd.DataFrame, targets: list[str], time_col: str | None = None, min_len: int = 60,
                 name: str = "uploaded CSV") -> Series:
    """Check and repair an uploaded forecasting table; each problem is one clear sentence or a shown fix."""
    fixes: list[str] = []
    if not targets:
        raise UploadError("Choose at least one target column to forecast.")
    missing = [t for t in targets if t not in frame.columns]
    if missing:
        names = ", ".join(map(str, frame.columns))
        raise UploadError(f"There is no column named {missing[0]!r}; the columns are: {names}.")
    time = None
    if time_col:
        if time_col in targets:
            raise UploadError(f"The time column {time_col!r} cannot also be a target.")
        raw = frame[time_col]
        time = raw if pd.api.types.is_numeric_dtype(raw) else pd.to_datetime(raw, errors="coerce", format="mixed")
        if time.isna().any():
            raise UploadError(f"The time column {time_col!r} has {int(time.isna().sum())} empty or unreadable "
                              "timestamp(s): use a format like 2024-01-31 or plain numbers.")
        if not time.is_monotonic_increasing:
            order = np.argsort(time.to_numpy(), kind="stable")
            frame, time = frame.iloc[order].reset_index(drop=True), time.iloc[order].reset_index(drop=True)
            fixes.append(f"The rows were not in time order: they were sorted by {time_col!r}.")
        dup = time.duplicated(keep="last").to_numpy()
        if dup.any():
            frame, time = frame[~dup].reset_index(drop=True), time[~dup].reset_index(drop=True)
            fixes.append(f"{int(dup.sum())} row(s) with a repeated timestamp were dropped (the last one is kept).")
        frame = frame.drop(columns=[time_col])
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    bad = [str(c) for c in targets if numeric[c].notna().sum() < frame[c].notna().sum()]
    if bad:
        raise UploadError(f"Target column(s) {', '.join(bad)} contain text, not numbers: clean them or choose "
                          "other columns.")
    dropped = [str(c) for c in frame.columns if c not in targets and numeric[c].notna().sum() < frame[c].notna().sum()]
    if dropped:
        fixes.append(f"Non-numeric column(s) {', '.join(dropped)} are not used as inputs.")
    numeric = numeric.drop(columns=dropped)
    for col in numeric.columns:
        if numeric[col].isna().all():
            raise UploadError(f"Column {col!r} has no numbers at all: remove it or choose another target.")
    numeric = _fill(numeric, fixes)
    if not np.isfinite(numeric.to_numpy("float64")).all():
        raise UploadError("The table contains infinite values: replace them with finite numbers.")
    if len(numeric) < min_len:
        raise UploadError(f"The series has {len(numeric)} rows; at least {min_len} are needed to split it in time "
                          "into train, validation and test windows.")
    index = pd.Index(time) if time is not None else None
    return Series(name, numeric.astype("float32"), list(targets), 0, index, "your upload", fixes)


@dataclass
class Activities:
    """Recordings for activity classification (§24.1): one (steps, channels) array per recording."""

    name: str
    recordings: list[np.ndarray]  # each (steps, channels) float32
    labels: np.ndarray  # (n,) int class per recording
    users: np.ndarray  # (n,) user of each recording: the split is by user (§24.3.1)
    class_names: list[str]
    channels: list[str]
    source: str = ""
    fixes: list[str] = field(default_factory=list)
    split: np.ndarray | None = None  # (n,) "train" | "test" when the data set ships a split


def basic_motions() -> Activities:
    """sktime BasicMotions: 80 ten-second recordings (accelerometer + gyroscope, 10 Hz) of four activities."""
    from sktime.datasets import load_basic_motions

    recs, labels, split = [], [], []
    for part in ("train", "test"):
        x, y = load_basic_motions(split=part, return_type="numpy3D")  # x (n, 6 channels, 100 steps)
        recs += [r.T.astype("float32") for r in x]
        labels += list(y)
        split += [part] * len(y)
    classes = sorted(set(labels))
    y = np.array([classes.index(v) for v in labels])
    channels = ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    return Activities("basic_motions", recs, y, np.arange(len(y)), classes, channels, "sktime BasicMotions (bundled)",
                      split=np.array(split))


def activity_csv(frame: pd.DataFrame, name: str = "uploaded CSV") -> Activities:
    """The course's format `user_id, activity, timestamp, x_axis, y_axis, z_axis` (more sensors allowed)."""
    fixes: list[str] = []
    headerless = frame.attrs.get("headerless", False)
    frame = frame.rename(columns=lambda c: str(c).strip())
    if headerless and frame.shape[1] >= 4:  # read as the course does: header=None, names=[…]
        extra = [f"sensor_{i + 1}" for i in range(3, frame.shape[1] - 3)]
        names = ACTIVITY_COLUMNS + (SENSOR_COLUMNS + extra)[: frame.shape[1] - 3]
        frame = frame.set_axis(names, axis=1)
        fixes.append(f"The file has no header row: its columns were taken in the course's order {', '.join(names)}.")
    missing = [c for c in ACTIVITY_COLUMNS if c not in frame.columns]
    if missing:
        raise UploadError(f"Column(s) {', '.join(missing)} are missing: the format is user_id, activity, timestamp, "
                          "then the sensor columns (e.g. x_axis, y_axis, z_axis).")
    sensors = [c for c in frame.columns if c not in ACTIVITY_COLUMNS]
    raw = frame[sensors].astype(str)
    ends = raw.apply(lambda col: col.str.endswith(";").all())
    if ends.any():  # WISDM's raw file ends each line with ';' (the course strips it with a regex)
        frame = frame.assign(**{c: raw[c].str.rstrip(";") for c in ends.index[ends]})
        fixes.append(f"A trailing ';' was removed from column(s) {', '.join(ends.index[ends])}.")
    numeric = frame[sensors].apply(pd.to_numeric, errors="coerce")
    bad = [c for c in sensors if numeric[c].notna().sum() < frame[c].notna().sum()]
    if bad:
        raise UploadError(f"Sensor column(s) {', '.join(bad[:5])} contain text, not numbers: clean or remove them.")
    if not sensors:
        raise UploadError("There are no sensor columns after user_id, activity, timestamp.")
    rows = frame[ACTIVITY_COLUMNS].join(numeric)
    empty = rows[ACTIVITY_COLUMNS].isna().any(axis=1) | rows[sensors].isna().any(axis=1)
    if empty.any():
        rows = rows[~empty]
        fixes.append(f"{int(empty.sum())} row(s) with missing values were dropped.")
    if not pd.api.types.is_numeric_dtype(rows["timestamp"]):
        stamp = pd.to_datetime(rows["timestamp"], errors="coerce", format="mixed")
        if stamp.isna().any():
            raise UploadError("Some timestamps are neither numbers nor dates: use one format for the whole column.")
        rows = rows.assign(timestamp=stamp)
    before = len(rows)
    rows = rows.drop_duplicates(subset=["user_id", "activity", "timestamp"], keep="last")
    if len(rows) < before:
        fixes.append(f"{before - len(rows)} row(s) with a repeated timestamp were dropped.")
    sorted_rows = rows.sort_values(["user_id", "activity", "timestamp"], kind="stable")
    if not sorted_rows.index.equals(rows.index):
        fixes.append("Rows were sorted by user, activity and timestamp.")
    classes = sorted(map(str, rows["activity"].unique()))
    if len(classes) < 2:
        raise UploadError("The table has a single activity; a classifier needs two or more.")
    users = sorted(map(str, rows["user_id"].unique()))
    if len(users) < 3:
        raise UploadError(f"The table has {len(users)} user(s); at least 3 are needed to split by user into train, "
                          "validation and test.")
    recs, labels, owners = [], [], []
    for (user, act), part in sorted_rows.groupby(["user_id", "activity"], sort=False):
        recs.append(part[sensors].to_numpy("float32"))
        labels.append(classes.index(str(act)))
        owners.append(users.index(str(user)))
    return Activities(name, recs, np.array(labels), np.array(owners), classes, sensors, "your upload", fixes)
