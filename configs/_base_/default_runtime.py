# Runtime shared by every MAMP config.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmaction_mamp'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # atomic_local: written to a temporary file, then renamed (never a partial .pth)
    checkpoint=dict(
        type='CheckpointHook',
        interval=10,
        max_keep_ckpts=3,
        save_last=True,
        backend_args=dict(backend='atomic_local'),
    ),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
)

# PortableCheckpointHook: checkpoints hold only tensors and plain containers (mmengine's
# logging buffers are converted around save / load), so they load with
# torch.load(weights_only=True) anywhere. SilenceKnownDeprecationsHook: drops mmengine's
# FileClient deprecation notices from the log. A config setting its own custom_hooks gets
# both back from tools/train.py and tools/test.py.
custom_hooks = [dict(type='PortableCheckpointHook'), dict(type='SilenceKnownDeprecationsHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=True)
