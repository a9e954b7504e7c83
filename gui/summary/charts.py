"""Charts drawn with QPainter (no extra dependency): applications per year, outcomes per year as stacked
bars, the share of each outcome, reconsiderations and lawsuits — each exportable as PNG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from model.files import atomic_path
from model.summary import ChartData, Series

PALETTE = ("#3b6ea5", "#e07b39", "#5a9e4b", "#c0504d", "#8064a2", "#4bacc6", "#9c8b3a", "#7f7f7f")
FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttf"
_FAMILY: list[str] = []

#: the charts and their titles (translated in the context of ChartWidget)
KINDS = {
    "applications": QT_TRANSLATE_NOOP("ChartWidget", "历年收到的政府信息公开申请（件）"),
    "outcomes": QT_TRANSLATE_NOOP("ChartWidget", "历年办理结果（件）"),
    "shares": QT_TRANSLATE_NOOP("ChartWidget", "本年度各类办理结果占比"),
    "appeals": QT_TRANSLATE_NOOP("ChartWidget", "历年行政复议、行政诉讼（件）"),
}


def chart_family() -> str:
    """The bundled CJK face (so that an exported PNG looks the same everywhere), else the default."""
    if not _FAMILY:
        family = ""
        if FONT_FILE.is_file():
            fid = QFontDatabase.addApplicationFont(str(FONT_FILE))
            families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            family = families[0] if families else ""
        _FAMILY.append(family)
    return _FAMILY[0]


def _font(px: int, bold: bool = False) -> QFont:
    f = QFont(chart_family()) if chart_family() else QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def _nice_max(v: float) -> float:
    """A round axis maximum with room above the highest bar for its label."""
    if v <= 0:
        return 1.0
    v *= 1.08
    step = 10 ** len(str(int(v))) / 10
    for m in (1, 1.2, 1.6, 2, 2.4, 4, 5, 6, 8, 10):  # quarters of these are round numbers
        if v <= m * step:
            return float(m * step)
    return v


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


class ChartWidget(QWidget):
    """One chart of ``kind`` (see :data:`KINDS`) over :class:`ChartData`."""

    def __init__(self, kind: str, data: ChartData | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(kind)
        self.kind = kind
        self.data = data
        self.setMinimumSize(360, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def title(self) -> str:
        name = self.data.name if self.data and self.data.name else ""
        what = self.tr(str(KINDS[self.kind]))
        if self.kind == "shares" and self.data is not None and self.data.years:
            what = what.replace(self.tr("本年度"), self.tr("%1年").replace("%1", str(self.data.years[-1])))
        return f"{name} {what}".strip()

    def set_data(self, data: ChartData | None) -> None:
        self.data = data
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 340)

    # --- drawing --------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            self.draw(p, QRectF(self.rect()))
        finally:
            p.end()

    def to_image(self, size: QSize | None = None) -> QImage:
        size = size or QSize(1200, 720)
        img = QImage(size, QImage.Format.Format_ARGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        try:
            scale = size.width() / 600
            p.scale(scale, scale)
            self.draw(p, QRectF(0, 0, 600, size.height() / scale))
        finally:
            p.end()
        return img

    def save_png(self, path: Path, size: QSize | None = None) -> None:
        """Write the chart as PNG (to a temporary name, then renamed). ``OSError`` when it cannot."""
        path = Path(path)
        try:
            with atomic_path(path) as tmp:
                if not self.to_image(size).save(str(tmp), "PNG"):  # type: ignore[call-overload,unused-ignore]  # the stubs want bytes for the format
                    raise OSError
        except OSError:
            raise OSError(self.tr("无法写入 %1").replace("%1", str(path))) from None

    def draw(self, p: QPainter, rect: QRectF) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(rect, QColor("white"))
        p.setPen(QColor("#222"))
        p.setFont(_font(15, bold=True))
        title_rect = QRectF(rect.left(), rect.top() + 6, rect.width(), 24)
        p.drawText(title_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, self.title)
        body = rect.adjusted(10, 36, -10, -8)
        d = self.data
        if d is None or not d.years:
            p.setFont(_font(13))
            p.setPen(QColor("#777"))
            p.drawText(body, Qt.AlignmentFlag.AlignCenter, self.tr("没有数据"))
            return
        if self.kind == "applications":
            self._bars(p, body, d.years, [Series(self.tr("收到申请"), d.applications)], stacked=False)
        elif self.kind == "outcomes":
            self._bars(p, body, d.years, d.outcomes, stacked=True)
        elif self.kind == "appeals":
            self._bars(p, body, d.years, d.appeals, stacked=False)
        else:
            self._pie(p, body, d)

    def _legend(self, p: QPainter, rect: QRectF, labels: list[str]) -> float:
        """Legend on the right; returns its width."""
        if len(labels) < 2:
            return 0.0
        p.setFont(_font(11))
        fm = p.fontMetrics()
        width = max(fm.horizontalAdvance(t) for t in labels) + 26
        y = rect.top() + 4
        for i, text in enumerate(labels):
            p.fillRect(QRectF(rect.right() - width, y + 2, 12, 12), QColor(PALETTE[i % len(PALETTE)]))
            p.setPen(QColor("#222"))
            p.drawText(QPointF(rect.right() - width + 18, y + 12), text)
            y += 18
        return width + 8

    def _bars(self, p: QPainter, rect: QRectF, years: list[int], series: list[Series], stacked: bool) -> None:
        legend = self._legend(p, rect, [s.label for s in series])
        plot = rect.adjusted(44, 4, -legend - 4, -24)
        n = len(years)
        if stacked:
            top = max(sum(s.values[i] for s in series) for i in range(n))
        else:
            top = max(max(s.values) for s in series)
        top = _nice_max(top)
        p.setFont(_font(11))
        # grid and axis labels
        for k in range(5):
            v = top * k / 4
            y = plot.bottom() - plot.height() * k / 4
            p.setPen(QPen(QColor("#ddd"), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor("#555"))
            p.drawText(QRectF(rect.left(), y - 8, 40, 16), Qt.AlignmentFlag.AlignRight, _num(v))
        p.setPen(QPen(QColor("#555"), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        slot = plot.width() / n
        bar_w = slot * 0.6
        for i, year in enumerate(years):
            x0 = plot.left() + slot * i + (slot - bar_w) / 2
            p.setPen(QColor("#333"))
            p.drawText(
                QRectF(plot.left() + slot * i, plot.bottom() + 4, slot, 18),
                Qt.AlignmentFlag.AlignHCenter,
                self.tr("%1年").replace("%1", str(year)),
            )
            if stacked:
                base = 0.0
                for j, s in enumerate(series):
                    v = s.values[i]
                    if v <= 0:
                        continue
                    h = plot.height() * v / top
                    y = plot.bottom() - plot.height() * base / top - h
                    p.fillRect(QRectF(x0, y, bar_w, h), QColor(PALETTE[j % len(PALETTE)]))
                    base += v
                total = sum(s.values[i] for s in series)
                y = plot.bottom() - plot.height() * total / top
                p.setPen(QColor("#222"))
                p.drawText(
                    QRectF(x0 - 10, y - 17, bar_w + 20, 16), Qt.AlignmentFlag.AlignHCenter, _num(total)
                )
            else:
                w = bar_w / len(series)
                for j, s in enumerate(series):
                    v = s.values[i]
                    h = plot.height() * v / top
                    r = QRectF(x0 + w * j, plot.bottom() - h, w - 1, h)
                    p.fillRect(r, QColor(PALETTE[j % len(PALETTE)]))
                    p.setPen(QColor("#222"))
                    p.drawText(
                        QRectF(r.left() - 10, r.top() - 17, r.width() + 20, 16),
                        Qt.AlignmentFlag.AlignHCenter,
                        _num(v),
                    )

    def _pie(self, p: QPainter, rect: QRectF, d: ChartData) -> None:
        shares = d.shares()
        values = [s.values[-1] for s in d.outcomes]
        labels = [
            self.tr("%1 %2件（%3%）")
            .replace("%1", label)
            .replace("%2", _num(v))
            .replace("%3", f"{share * 100:.1f}")
            for (label, share), v in zip(shares, values, strict=True)
        ]
        legend = self._legend(p, rect, labels)
        side = min(rect.width() - legend - 16, rect.height() - 8)
        pie = QRectF(rect.left() + 8, rect.top() + (rect.height() - side) / 2, side, side)
        total = sum(values)
        p.setFont(_font(12))
        if total <= 0:
            p.setPen(QColor("#777"))
            p.drawText(
                pie,
                Qt.AlignmentFlag.AlignCenter,
                self.tr("%1年没有办结的申请").replace("%1", str(d.years[-1])),
            )
            return
        start = 90 * 16
        p.setPen(QPen(QColor("white"), 1.5))
        for i, (_, share) in enumerate(shares):
            span = -round(share * 360 * 16)
            if span:
                p.setBrush(QColor(PALETTE[i % len(PALETTE)]))
                p.drawPie(pie, start, span)
            start += span


class ChartsView(QWidget):
    """The four charts of one organ or summary, each with a button to save it as PNG."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.charts: dict[str, ChartWidget] = {}
        grid = QGridLayout()
        for i, kind in enumerate(KINDS):
            box = QVBoxLayout()
            chart = ChartWidget(kind, None, self)
            chart.setObjectName(f"chart_{kind}")
            self.charts[kind] = chart
            button = QPushButton(self.tr("另存为 PNG…"), self)
            button.setObjectName(f"save_{kind}")
            button.clicked.connect(lambda _=False, k=kind: self.export(k))
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            box.addWidget(chart, 1)
            box.addLayout(row)
            grid.addLayout(box, i // 2, i % 2)
        self.note = QLabel(self.tr("图表可另存为 PNG 图片，插入年报第一部分“总体情况”。"), self)
        self.note.setStyleSheet("color:#555")
        lay = QVBoxLayout(self)
        lay.addLayout(grid, 1)
        lay.addWidget(self.note)

    def set_data(self, data: ChartData | None) -> None:
        for chart in self.charts.values():
            chart.set_data(data)

    def export(self, kind: str, path: Path | None = None) -> Path | None:
        chart = self.charts[kind]
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存图表"), f"{chart.title}.png", self.tr("PNG 图片 (*.png)")
            )
            if not name:
                return None
            path = Path(name)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        try:
            chart.save_png(path)
        except OSError as err:
            QMessageBox.warning(self, self.tr("无法保存图表"), str(err))
            return None
        return path
