import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { HealthSample } from '../../api/types';

// Only the parts used: this module (and echarts with it) is loaded lazily by the run page, never by the first page.
echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);

/** Lag, records out per second and checkpoint duration over time; a metric not reported stays a gap, never a zero. */
export default function HealthChart({ points }: { points: HealthSample[] }) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return undefined;
    const chart = echarts.init(el.current);
    const at = (p: HealthSample) => p.at;
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: [
        { type: 'value', name: 's' },
        { type: 'value', name: '/s', position: 'right' },
      ],
      series: [
        {
          name: t('health.lagSeries'),
          type: 'line',
          showSymbol: false,
          connectNulls: false,
          data: points.map((p) => [at(p), seconds(p.emitLagMs ?? p.fetchLagMs)]),
        },
        {
          name: t('health.recordsSeries'),
          type: 'line',
          showSymbol: false,
          yAxisIndex: 1,
          connectNulls: false,
          data: points.map((p) => [at(p), p.recordsOutPerSecond ?? null]),
        },
        {
          name: t('health.checkpointSeries'),
          type: 'line',
          showSymbol: false,
          step: 'end',
          connectNulls: false,
          data: points.map((p) => [at(p), seconds(p.checkpointDurationMs)]),
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [points, t]);
  return <div ref={el} className="health-chart" data-testid="health-chart" style={{ height: 280, width: '100%' }} />;
}
