# Runtime shared by every MAMP config.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmaction_mamp'], allow_failed_imports=False)
# MAMPRunner (every launcher builds it from this key): the work-dir lock and file checks
# before anything is written, resume past unreadable checkpoints, one-line errors and exit
# statuses, CPU-only dist_train.sh over gloo, auto_scale_lr with the global batch.
runner_type = 'MAMPRunner'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # atomic, portable (weights_only loadable anywhere), never non-finite weights, safe reads,
    # --resume past truncated files; runs that validate also keep the best checkpoint
    checkpoint=dict(
        type='SafeCheckpointHook', interval=10, max_keep_ckpts=3, save_last=True, save_best='auto'
    ),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # a non-finite loss or gradient norm stops the run (patience: bad iterations in a row)
    divergence_guard=dict(type='DivergenceGuardHook', patience=0),
    # SIGTERM saves a resumable checkpoint and exits; --resume continues mid-epoch exactly
    preemption=dict(type='PreemptionHook'),
    # every clip of every dataloader checked against the model before iteration 1
    data_check=dict(type='SkeletonDataCheckHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # a rank that waits 10 minutes for its peers reports the stuck one instead of hanging
    dist_cfg=dict(backend='nccl', timeout=600),
)

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=True)
