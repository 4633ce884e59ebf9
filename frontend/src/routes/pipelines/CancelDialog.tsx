import { Button, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Pipeline } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useCancelRun } from '../../queries/runs';

/** Cancelling drops the job without a savepoint: ask, naming the pipeline. */
export function CancelDialog({ pipeline, open, onClose }: { pipeline: Pipeline; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const cancel = useCancelRun(pipeline.id);
  return (
    <Modal
      open={open}
      title={t('cancel.title', { name: pipeline.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="keep" onClick={onClose} autoFocus>
          {t('cancel.keep')}
        </Button>,
        <Button
          key="ok"
          danger
          type="primary"
          loading={cancel.isPending}
          onClick={() => cancel.mutate(undefined, { onSuccess: onClose })}
          data-testid="cancel-confirm"
        >
          {t('cancel.confirm')}
        </Button>,
      ]}
    >
      <p>{t('cancel.body')}</p>
      <ProblemAlert error={cancel.error} />
    </Modal>
  );
}
