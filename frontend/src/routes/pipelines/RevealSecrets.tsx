import { Alert, Button, type ButtonProps, Modal, Popconfirm, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Pipeline } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useRevealSecrets } from '../../queries/secrets';

/**
 * For admins: the plaintext of the pipeline's secrets, after a confirmation that says the reveal is audited. The
 * values live only in this component's mutation result and are dropped when the window closes.
 */
export function RevealSecrets({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const reveal = useRevealSecrets();
  const values = reveal.data ? Object.entries(reveal.data.secrets) : null;
  return (
    <>
      <Popconfirm
        title={t('reveal.confirmTitle', { name: pipeline.name })}
        description={<div className="confirm-text">{t('reveal.confirmBody')}</div>}
        okText={t('reveal.confirm')}
        okButtonProps={{ danger: true, 'data-testid': 'reveal-confirm' } as ButtonProps}
        cancelText={t('common.cancel')}
        onConfirm={() => reveal.mutate(pipeline.id)}
      >
        <Button loading={reveal.isPending} data-testid="reveal-secrets">
          {t('reveal.button')}
        </Button>
      </Popconfirm>
      {values || reveal.error ? (
        <Modal
          open
          width={720}
          title={t('reveal.title', { name: pipeline.name })}
          onCancel={() => reveal.reset()}
          footer={<Button onClick={() => reveal.reset()}>{t('common.close')}</Button>}
        >
          <ProblemAlert error={reveal.error} />
          {values ? (
            <>
              <Alert type="warning" showIcon title={t('reveal.warning')} />
              <Table
                size="small"
                className="section-gap"
                rowKey={(r) => r[0]}
                pagination={false}
                dataSource={values}
                locale={{ emptyText: t('reveal.none') }}
                data-testid="revealed"
                columns={[
                  { title: t('reveal.path'), render: (_, r) => <code>{r[0]}</code> },
                  {
                    title: t('reveal.value'),
                    render: (_, r) => (
                      <Typography.Text copyable code>
                        {r[1]}
                      </Typography.Text>
                    ),
                  },
                ]}
              />
            </>
          ) : null}
        </Modal>
      ) : null}
    </>
  );
}
