// Plotly's own words on this page: its mode-bar tooltips and the notes it shows, in English and
// Korean. Plotly looks a word up by its English text, so each "en" value is exactly Plotly's
// text (plotly.js 4); plot_config.js turns the pairs into Plotly's Korean dictionary.
// "plotly.toImage" is also the tooltip of the page's own camera button (snapshot.js).

export default {
  en: {
    "plotly.zoom": "Zoom",
    "plotly.pan": "Pan",
    "plotly.zoomIn": "Zoom in",
    "plotly.zoomOut": "Zoom out",
    "plotly.resetAxes": "Reset axes",
    "plotly.orbit": "Orbital rotation",
    "plotly.turntable": "Turntable rotation",
    "plotly.cameraDefault": "Reset camera to default",
    "plotly.cameraLastSave": "Reset camera to last save",
    "plotly.toImage": "Download plot as a PNG",
    "plotly.preparing": "Preparing image - this may take a few seconds",
    "plotly.downloaded": "Image download succeeded",
    "plotly.downloadFailed": "Sorry, there was a problem downloading your image!",
    "plotly.zoomBack": "Double-click to zoom back out",
    "plotly.isolate": "Double-click on legend to isolate one trace",
  },
  ko: {
    "plotly.zoom": "영역 확대",
    "plotly.pan": "이동",
    "plotly.zoomIn": "확대",
    "plotly.zoomOut": "축소",
    "plotly.resetAxes": "축 초기화",
    "plotly.orbit": "궤도 회전",
    "plotly.turntable": "턴테이블 회전",
    "plotly.cameraDefault": "카메라를 처음 위치로",
    "plotly.cameraLastSave": "카메라를 마지막 저장 위치로",
    "plotly.toImage": "그래프를 PNG로 내려받기",
    "plotly.preparing": "이미지를 만드는 중입니다. 몇 초 걸릴 수 있습니다.",
    "plotly.downloaded": "이미지를 내려받았습니다.",
    "plotly.downloadFailed": "죄송합니다. 이미지를 내려받다가 문제가 생겼습니다!",
    "plotly.zoomBack": "두 번 클릭하면 원래 크기로 돌아갑니다.",
    "plotly.isolate": "범례를 두 번 클릭하면 그 곡선만 보입니다.",
  },
};
