"""Time-series data: build_sequences on a hand-made series, splits, training-only statistics, CSV checks."""

import io

import numpy as np
import pandas as pd
import pytest

from anndl.data import timeseries as ts
from anndl.data.uploads import UploadError, read_csv_frame


def test_build_sequences_shapes_and_contents():
    values = np.arange(10, dtype="float32")  # 0 1 2 ... 9
    x, y, starts = ts.build_sequences(values, window=3, stride=2, telescope=2)
    assert x.shape == (3, 3, 1) and y.shape == (3, 2, 1)
    assert starts.tolist() == [0, 2, 4]
    assert x[:, :, 0].tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    assert y[:, :, 0].tolist() == [[3, 4], [5, 6], [7, 8]]


def test_build_sequences_includes_the_last_full_window():
    x, y, _ = ts.build_sequences(np.arange(6.0), window=3, stride=1, telescope=3)
    assert x[-1, :, 0].tolist() == [0, 1, 2] and y[-1, :, 0].tolist() == [3, 4, 5]


def test_build_sequences_multivariate_targets_and_padding():
    values = np.stack([np.arange(7.0), 100 + np.arange(7.0)], axis=1)  # (7, 2)
    x, y, starts = ts.build_sequences(values, window=3, stride=3, telescope=1, target_idx=[1], pad=True)
    # padded with 2 zero rows in front (7 -> 9 = 3 windows of 3), as the course notebook does
    assert x.shape == (2, 3, 2) and y.shape == (2, 1, 1)
    assert x[0, :, 0].tolist() == [0, 0, 0] and starts.tolist() == [-2, 1]
    assert y[:, 0, 0].tolist() == [101, 104]


def test_build_sequences_first_target_lets_test_windows_look_back():
    x, y, starts = ts.build_sequences(np.arange(20.0), window=4, stride=1, telescope=2, first_target=15)
    assert (starts + 4 >= 15).all() and y[0, 0, 0] == 15 and x[0, 0, 0] == 11


def test_time_split_keeps_time_order():
    a, b = ts.time_split(100, 0.15, 0.15)
    assert (a, b) == (70, 85)


def test_scaler_uses_training_rows_only():
    from anndl.topics.timeseries.job import forecast_data

    values = np.concatenate([np.zeros(140), 1000 + np.arange(60)])  # the future is far above the past
    series = ts.Series("s", pd.DataFrame({"v": values}), ["v"])
    data = forecast_data(series, window=10, telescope=5)
    a, _ = data.bounds
    assert data.mean[0] == pytest.approx(values[:a].mean()) and data.std[0] == 1.0  # constant train part
    assert data.y_train.max() < 1000  # no training target comes from validation or test rows


def test_naive_baselines():
    x = np.arange(12.0).reshape(1, 12, 1)
    assert ts.last_value(x, 3, [0])[0, :, 0].tolist() == [11, 11, 11]
    assert ts.seasonal_naive(x, 6, [0], season=4)[0, :, 0].tolist() == [8, 9, 10, 11, 8, 9]


def test_offline_series_and_basic_motions():
    co2 = ts.co2()
    assert len(co2.frame) == 2284 and not co2.frame.isna().any().any() and co2.fixes
    assert ts.airline().season == 12 and len(ts.nile().frame) == 100 and len(ts.sunspots().frame) == 309
    bm = ts.basic_motions()
    assert len(bm.recordings) == 80 and bm.recordings[0].shape == (100, 6) and len(bm.class_names) == 4


def test_user_split_has_no_user_in_two_parts():
    users = np.repeat(np.arange(10), 7)
    parts = ts.user_split(users, 0.2, 0.2, seed=3)
    sets = {k: set(users[v]) for k, v in parts.items()}
    assert not (sets["train"] & sets["val"]) and not (sets["train"] & sets["test"]) and not (sets["val"] & sets["test"])
    assert sum(len(v) for v in parts.values()) == len(users)
    inner = ts.user_split(users, val=0.2, test=0.0)  # a validation part only: nothing is lost
    assert len(inner["test"]) == 0 and len(set(users[inner["val"]])) == 2 and len(set(users[inner["train"]])) == 8


def test_activity_windows_zero_pad_and_stride():
    rec = np.ones((5, 3), "float32")
    x, y, owner = ts.activity_windows([rec], np.array([2]), window=4, stride=2)
    assert x.shape == (3, 4, 3) and y.tolist() == [2, 2, 2] and owner.tolist() == [0, 0, 0]
    assert x[-1, -3:].sum() == 0 and x[-1, 0].sum() == 3  # the last window ends in zero padding


def _frame(text: str) -> pd.DataFrame:
    return read_csv_frame(text.encode())


def _series_csv(n=80, **cols):
    data = {"t": pd.date_range("2020-01-01", periods=n, freq="D").astype(str), "y": np.sin(np.arange(n)),
            **cols}
    buf = io.StringIO()
    pd.DataFrame(data).to_csv(buf, index=False)
    return _frame(buf.getvalue())


def test_forecast_csv_accepts_a_clean_table():
    s = ts.forecast_csv(_series_csv(x2=np.arange(80.0)), ["y"], "t")
    assert s.frame.shape == (80, 2) and s.targets == ["y"] and not s.fixes and len(s.time) == 80


@pytest.mark.parametrize("case, fix", [
    ("missing", "interpolation"), ("unsorted", "sorted"), ("duplicated", "repeated timestamp"),
    ("text_input", "not used as inputs")])
def test_forecast_csv_repairs_are_shown(case, fix):
    frame = _series_csv(note=["a"] * 80) if case == "text_input" else _series_csv()
    if case == "missing":
        frame.loc[5, "y"] = np.nan
    if case == "unsorted":
        frame = frame.iloc[::-1].reset_index(drop=True)
    if case == "duplicated":
        frame = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)
    s = ts.forecast_csv(frame, ["y"], "t")
    assert any(fix in f for f in s.fixes), s.fixes
    assert s.time.is_monotonic_increasing and not s.time.duplicated().any()


@pytest.mark.parametrize("case, message", [
    ("short", "at least 60"), ("text_target", "contain text"), ("no_column", "no column named"),
    ("bad_time", "unreadable timestamp"), ("no_target", "at least one target"), ("empty_col", "no numbers")])
def test_forecast_csv_refuses_bad_tables(case, message):
    frame, targets, time = _series_csv(), ["y"], "t"
    if case == "short":
        frame = frame.iloc[:30]
    if case == "text_target":
        frame["y"] = frame["y"].astype(str) + "x"
    if case == "no_column":
        targets = ["temperature"]
    if case == "bad_time":
        frame.loc[4, "t"] = "yesterday"
    if case == "no_target":
        targets = []
    if case == "empty_col":
        frame["y"] = np.nan
    with pytest.raises(UploadError, match=message):
        ts.forecast_csv(frame, targets, time)


def _activity_frame(users=3, rows=40):
    parts = []
    for u in range(users):
        for act in ("walking", "jogging"):
            t = np.arange(rows)
            parts.append(pd.DataFrame({"user_id": u, "activity": act, "timestamp": t, "x_axis": np.sin(t),
                                       "y_axis": np.cos(t), "z_axis": t * 0.1}))
    return pd.concat(parts, ignore_index=True)


def test_activity_csv_groups_recordings_by_user_and_activity():
    acts = ts.activity_csv(_activity_frame())
    assert len(acts.recordings) == 6 and acts.class_names == ["jogging", "walking"]
    assert acts.channels == ["x_axis", "y_axis", "z_axis"] and sorted(set(acts.users.tolist())) == [0, 1, 2]


@pytest.mark.parametrize("case, message", [
    ("no_user", "user_id"), ("one_activity", "single activity"), ("two_users", "at least 3"),
    ("text_sensor", "contain text"), ("bad_time", "neither numbers nor dates")])
def test_activity_csv_refuses_bad_tables(case, message):
    frame = _activity_frame(users=2 if case == "two_users" else 3)
    if case == "no_user":
        frame = frame.drop(columns=["user_id"])
    if case == "one_activity":
        frame["activity"] = "walking"
    if case == "text_sensor":
        frame["x_axis"] = frame["x_axis"].astype(str) + "g"
    if case == "bad_time":
        frame["timestamp"] = frame["timestamp"].astype(str)
        frame.loc[0, "timestamp"] = "soon"
    with pytest.raises(UploadError, match=message):
        ts.activity_csv(frame)


def test_activity_csv_shows_its_repairs():
    frame = _activity_frame()
    frame.loc[3, "x_axis"] = np.nan
    frame = pd.concat([frame.iloc[::-1], frame.iloc[[10]]], ignore_index=True)
    fixes = " ".join(ts.activity_csv(frame).fixes)
    assert "missing values were dropped" in fixes and "sorted" in fixes and "repeated timestamp" in fixes


def test_guess_season_from_timestamps():
    weekly = pd.Series(pd.date_range("2020-01-05", periods=30, freq="W").astype(str))
    assert ts.guess_season(weekly) == 52
    assert ts.guess_season(pd.Series(pd.date_range("2020-01-01", periods=30, freq="MS"))) == 12
    assert ts.guess_season(pd.Series(pd.date_range("2020-01-01", periods=30, freq="D"))) == 7
    assert ts.guess_season(pd.Series(["2020-01-01", "2020-01-03", "2020-01-10"])) == 0
    assert ts.guess_season(pd.Series(["soon", "later", "never"])) == 0


def test_windows_are_views_of_the_series_not_copies():
    values = np.arange(200, dtype="float32").reshape(100, 2)
    x, y, starts = ts.build_sequences(values, 10, 3, 5, [1], first_target=40)
    assert np.shares_memory(x, values) and x.base is not None  # a strided view: no window is copied
    assert x.shape == (len(starts), 10, 2) and y.shape == (len(starts), 5, 1)
    assert starts[0] + 10 >= 40 and (np.diff(starts) == 3).all()
    np.testing.assert_array_equal(x[2], values[starts[2]:starts[2] + 10])
    np.testing.assert_array_equal(y[2, :, 0], values[starts[2] + 10:starts[2] + 15, 1])
    assert ts.build_sequences(values[:12], 10, 1, 5)[0].shape == (0, 10, 2)  # too short: no window, no error


def test_series_content_key_tells_uploads_with_equal_length_and_sum_apart():
    a = ts.Series("uploaded CSV", pd.DataFrame({"v": [1.0, 2.0, 3.0]}), ["v"])
    b = ts.Series("uploaded CSV", pd.DataFrame({"v": [3.0, 2.0, 1.0]}), ["v"])
    same = ts.Series("uploaded CSV", pd.DataFrame({"v": [1.0, 2.0, 3.0]}), ["v"])
    assert a.content_key() != b.content_key() and a.content_key() == same.content_key()
    assert not a.values.flags.writeable and a.values is a.values  # converted once, shared read-only


def course_activity_file(trailing: str = "") -> bytes:
    """The course's WISDM-style file: no header row, columns user_id, activity, timestamp, x, y, z."""
    rows = [f"{u},{act},{t * 50_000_000},{np.sin(t):.4f},{np.cos(t):.4f},{t * 0.1:.2f}{trailing}"
            for u in (33, 7, 12) for act in ("Jogging", "Walking") for t in range(40)]
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("trailing", ["", ";"])
def test_the_course_headerless_activity_file_is_read_in_its_documented_order(trailing):
    acts = ts.activity_csv(read_csv_frame(course_activity_file(trailing)))
    assert acts.class_names == ["Jogging", "Walking"] and acts.channels == ["x_axis", "y_axis", "z_axis"]
    assert len(acts.recordings) == 6 and sorted(set(acts.users.tolist())) == [0, 1, 2]
    assert any("no header row" in f and "user_id, activity, timestamp, x_axis" in f for f in acts.fixes)
    assert ("';' was removed" in " ".join(acts.fixes)) == bool(trailing)
    np.testing.assert_allclose(acts.recordings[0][:, 2], np.arange(40) * 0.1, atol=1e-6)


def test_window_longer_than_the_series_is_a_settings_error_not_an_upload_error():
    from anndl.errors import SettingsError
    from anndl.topics.timeseries.job import forecast_data

    series = ts.Series("s", pd.DataFrame({"v": np.arange(60.0)}), ["v"])
    with pytest.raises(SettingsError, match="too short for a window of 50") as err:
        forecast_data(series, window=50, telescope=10)
    assert not isinstance(err.value, UploadError)
