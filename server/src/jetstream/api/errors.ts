// JetStream API errors: the `{code, err_code, description}` objects nats-server puts in the
// `error` field of every $JS.API response (and in PubAck errors). The table below is the
// wire contract — clients match on err_code and sometimes on the description text — so the
// descriptions are byte-identical to nats-server's (v2.12 error list, server/errors.json);
// a unit test checks every entry against that list.
//
// Templates such as "{err}" or "{limit}" are filled the way nats-server fills them: each
// placeholder is replaced by the argument's text. A constructor whose template has "{err}"
// returns the argument itself when that argument is already an ApiError (nats-server does not
// wrap an API error inside another one), so `JSErr.JSStreamCreateErrF({ err: JSErr.JSStreamSubjectOverlapErr() })`
// is the 10065 error, not a 10049 one.

/** The `error` object of a JetStream API response. */
export interface ApiError {
  /** HTTP-like status: 400, 404, 409, 412, 429, 500, 503 */
  readonly code: number;
  /** the JetStream error code (10xxx) clients match on */
  readonly err_code: number;
  readonly description: string;
}

/** What may fill a template placeholder. */
export type ErrArg = string | number | bigint | boolean | Error | ApiError;

interface ErrorDef {
  readonly code: number;
  readonly err_code: number;
  readonly description: string;
}

/** Every JetStream error, keyed by nats-server's constant name. */
export const JS_ERROR_DEFS = {
  JSAccountResourcesExceededErr: { code: 400, err_code: 10002, description: "resource limits exceeded for account" },
  JSBadRequestErr: { code: 400, err_code: 10003, description: "bad request" },
  JSClusterIncompleteErr: { code: 503, err_code: 10004, description: "incomplete results" },
  JSClusterNoPeersErrF: { code: 400, err_code: 10005, description: "{err}" },
  JSClusterNotActiveErr: { code: 500, err_code: 10006, description: "JetStream not in clustered mode" },
  JSClusterNotAssignedErr: { code: 500, err_code: 10007, description: "JetStream cluster not assigned to this server" },
  JSClusterNotAvailErr: { code: 503, err_code: 10008, description: "JetStream system temporarily unavailable" },
  JSClusterNotLeaderErr: { code: 500, err_code: 10009, description: "JetStream cluster can not handle request" },
  JSClusterRequiredErr: { code: 503, err_code: 10010, description: "JetStream clustering support required" },
  JSClusterTagsErr: { code: 400, err_code: 10011, description: "tags placement not supported for operation" },
  JSConsumerCreateErrF: { code: 500, err_code: 10012, description: "{err}" },
  JSConsumerNameExistErr: { code: 400, err_code: 10013, description: "consumer name already in use" },
  JSConsumerNotFoundErr: { code: 404, err_code: 10014, description: "consumer not found" },
  JSSnapshotDeliverSubjectInvalidErr: { code: 400, err_code: 10015, description: "deliver subject not valid" },
  JSConsumerDurableNameNotInSubjectErr: { code: 400, err_code: 10016, description: "consumer expected to be durable but no durable name set in subject" },
  JSConsumerDurableNameNotMatchSubjectErr: { code: 400, err_code: 10017, description: "consumer name in subject does not match durable name in request" },
  JSConsumerDurableNameNotSetErr: { code: 400, err_code: 10018, description: "consumer expected to be durable but a durable name was not set" },
  JSConsumerEphemeralWithDurableInSubjectErr: { code: 400, err_code: 10019, description: "consumer expected to be ephemeral but detected a durable name set in subject" },
  JSConsumerEphemeralWithDurableNameErr: { code: 400, err_code: 10020, description: "consumer expected to be ephemeral but a durable name was set in request" },
  JSStreamExternalApiOverlapErrF: { code: 400, err_code: 10021, description: "stream external api prefix {prefix} must not overlap with {subject}" },
  JSStreamExternalDelPrefixOverlapsErrF: { code: 400, err_code: 10022, description: "stream external delivery prefix {prefix} overlaps with stream subject {subject}" },
  JSInsufficientResourcesErr: { code: 503, err_code: 10023, description: "insufficient resources" },
  JSStreamInvalidExternalDeliverySubjErrF: { code: 400, err_code: 10024, description: "stream external delivery prefix {prefix} must not contain wildcards" },
  JSInvalidJSONErr: { code: 400, err_code: 10025, description: "invalid JSON: {err}" },
  JSMaximumConsumersLimitErr: { code: 400, err_code: 10026, description: "maximum consumers limit reached" },
  JSMaximumStreamsLimitErr: { code: 400, err_code: 10027, description: "maximum number of streams reached" },
  JSMemoryResourcesExceededErr: { code: 500, err_code: 10028, description: "insufficient memory resources available" },
  JSMirrorConsumerSetupFailedErrF: { code: 500, err_code: 10029, description: "{err}" },
  JSMirrorMaxMessageSizeTooBigErr: { code: 400, err_code: 10030, description: "stream mirror must have max message size >= source" },
  JSMirrorWithSourcesErr: { code: 400, err_code: 10031, description: "stream mirrors can not also contain other sources" },
  JSMirrorWithStartSeqAndTimeErr: { code: 400, err_code: 10032, description: "stream mirrors can not have both start seq and start time configured" },
  JSMirrorWithSubjectFiltersErr: { code: 400, err_code: 10033, description: "stream mirrors can not contain filtered subjects" },
  JSMirrorWithSubjectsErr: { code: 400, err_code: 10034, description: "stream mirrors can not contain subjects" },
  JSNoAccountErr: { code: 503, err_code: 10035, description: "account not found" },
  JSClusterUnSupportFeatureErr: { code: 503, err_code: 10036, description: "not currently supported in clustered mode" },
  JSNoMessageFoundErr: { code: 404, err_code: 10037, description: "no message found" },
  JSNotEmptyRequestErr: { code: 400, err_code: 10038, description: "expected an empty request payload" },
  JSNotEnabledForAccountErr: { code: 503, err_code: 10039, description: "JetStream not enabled for account" },
  JSClusterPeerNotMemberErr: { code: 400, err_code: 10040, description: "peer not a member" },
  JSRaftGeneralErrF: { code: 500, err_code: 10041, description: "{err}" },
  JSRestoreSubscribeFailedErrF: { code: 500, err_code: 10042, description: "JetStream unable to subscribe to restore snapshot {subject}: {err}" },
  JSSequenceNotFoundErrF: { code: 400, err_code: 10043, description: "sequence {seq} not found" },
  JSClusterServerNotMemberErr: { code: 400, err_code: 10044, description: "server is not a member of the cluster" },
  JSSourceConsumerSetupFailedErrF: { code: 500, err_code: 10045, description: "{err}" },
  JSSourceMaxMessageSizeTooBigErr: { code: 400, err_code: 10046, description: "stream source must have max message size >= target" },
  JSStorageResourcesExceededErr: { code: 500, err_code: 10047, description: "insufficient storage resources available" },
  JSStreamAssignmentErrF: { code: 500, err_code: 10048, description: "{err}" },
  JSStreamCreateErrF: { code: 500, err_code: 10049, description: "{err}" },
  JSStreamDeleteErrF: { code: 500, err_code: 10050, description: "{err}" },
  JSStreamGeneralErrorF: { code: 500, err_code: 10051, description: "{err}" },
  JSStreamInvalidConfigF: { code: 500, err_code: 10052, description: "{err}" },
  JSStreamLimitsErrF: { code: 500, err_code: 10053, description: "{err}" },
  JSStreamMessageExceedsMaximumErr: { code: 400, err_code: 10054, description: "message size exceeds maximum allowed" },
  JSStreamMirrorNotUpdatableErr: { code: 400, err_code: 10055, description: "stream mirror configuration can not be updated" },
  JSStreamMismatchErr: { code: 400, err_code: 10056, description: "stream name in subject does not match request" },
  JSStreamMsgDeleteFailedF: { code: 500, err_code: 10057, description: "{err}" },
  JSStreamNameExistErr: { code: 400, err_code: 10058, description: "stream name already in use with a different configuration" },
  JSStreamNotFoundErr: { code: 404, err_code: 10059, description: "stream not found" },
  JSStreamNotMatchErr: { code: 400, err_code: 10060, description: "expected stream does not match" },
  JSStreamReplicasNotUpdatableErr: { code: 400, err_code: 10061, description: "Replicas configuration can not be updated" },
  JSStreamRestoreErrF: { code: 500, err_code: 10062, description: "restore failed: {err}" },
  JSStreamSequenceNotMatchErr: { code: 503, err_code: 10063, description: "expected stream sequence does not match" },
  JSStreamSnapshotErrF: { code: 500, err_code: 10064, description: "snapshot failed: {err}" },
  JSStreamSubjectOverlapErr: { code: 400, err_code: 10065, description: "subjects overlap with an existing stream" },
  JSStreamTemplateCreateErrF: { code: 500, err_code: 10066, description: "{err}" },
  JSStreamTemplateDeleteErrF: { code: 500, err_code: 10067, description: "{err}" },
  JSStreamTemplateNotFoundErr: { code: 404, err_code: 10068, description: "template not found" },
  JSStreamUpdateErrF: { code: 500, err_code: 10069, description: "{err}" },
  JSStreamWrongLastMsgIDErrF: { code: 400, err_code: 10070, description: "wrong last msg ID: {id}" },
  JSStreamWrongLastSequenceErrF: { code: 400, err_code: 10071, description: "wrong last sequence: {seq}" },
  JSTempStorageFailedErr: { code: 500, err_code: 10072, description: "JetStream unable to open temp storage for restore" },
  JSTemplateNameNotMatchSubjectErr: { code: 400, err_code: 10073, description: "template name in subject does not match request" },
  JSStreamReplicasNotSupportedErr: { code: 500, err_code: 10074, description: "replicas > 1 not supported in non-clustered mode" },
  JSPeerRemapErr: { code: 503, err_code: 10075, description: "peer remap failed" },
  JSNotEnabledErr: { code: 503, err_code: 10076, description: "JetStream not enabled" },
  JSStreamStoreFailedF: { code: 503, err_code: 10077, description: "{err}" },
  JSConsumerConfigRequiredErr: { code: 400, err_code: 10078, description: "consumer config required" },
  JSConsumerDeliverToWildcardsErr: { code: 400, err_code: 10079, description: "consumer deliver subject has wildcards" },
  JSConsumerPushMaxWaitingErr: { code: 400, err_code: 10080, description: "consumer in push mode can not set max waiting" },
  JSConsumerDeliverCycleErr: { code: 400, err_code: 10081, description: "consumer deliver subject forms a cycle" },
  JSConsumerMaxPendingAckPolicyRequiredErr: { code: 400, err_code: 10082, description: "consumer requires ack policy for max ack pending" },
  JSConsumerSmallHeartbeatErr: { code: 400, err_code: 10083, description: "consumer idle heartbeat needs to be >= 100ms" },
  JSConsumerPullRequiresAckErr: { code: 400, err_code: 10084, description: "consumer in pull mode requires explicit ack policy on workqueue stream" },
  JSConsumerPullNotDurableErr: { code: 400, err_code: 10085, description: "consumer in pull mode requires a durable name" },
  JSConsumerPullWithRateLimitErr: { code: 400, err_code: 10086, description: "consumer in pull mode can not have rate limit set" },
  JSConsumerMaxWaitingNegativeErr: { code: 400, err_code: 10087, description: "consumer max waiting needs to be positive" },
  JSConsumerHBRequiresPushErr: { code: 400, err_code: 10088, description: "consumer idle heartbeat requires a push based consumer" },
  JSConsumerFCRequiresPushErr: { code: 400, err_code: 10089, description: "consumer flow control requires a push based consumer" },
  JSConsumerDirectRequiresPushErr: { code: 400, err_code: 10090, description: "consumer direct requires a push based consumer" },
  JSConsumerDirectRequiresEphemeralErr: { code: 400, err_code: 10091, description: "consumer direct requires an ephemeral consumer" },
  JSConsumerOnMappedErr: { code: 400, err_code: 10092, description: "consumer direct on a mapped consumer" },
  JSConsumerFilterNotSubsetErr: { code: 400, err_code: 10093, description: "consumer filter subject is not a valid subset of the interest subjects" },
  JSConsumerInvalidPolicyErrF: { code: 400, err_code: 10094, description: "{err}" },
  JSConsumerInvalidSamplingErrF: { code: 400, err_code: 10095, description: "failed to parse consumer sampling configuration: {err}" },
  JSStreamInvalidErr: { code: 500, err_code: 10096, description: "stream not valid" },
  JSStreamHeaderExceedsMaximumErr: { code: 400, err_code: 10097, description: "header size exceeds maximum allowed of 64k" },
  JSConsumerWQRequiresExplicitAckErr: { code: 400, err_code: 10098, description: "workqueue stream requires explicit ack" },
  JSConsumerWQMultipleUnfilteredErr: { code: 400, err_code: 10099, description: "multiple non-filtered consumers not allowed on workqueue stream" },
  JSConsumerWQConsumerNotUniqueErr: { code: 400, err_code: 10100, description: "filtered consumer not unique on workqueue stream" },
  JSConsumerWQConsumerNotDeliverAllErr: { code: 400, err_code: 10101, description: "consumer must be deliver all on workqueue stream" },
  JSConsumerNameTooLongErrF: { code: 400, err_code: 10102, description: "consumer name is too long, maximum allowed is {max}" },
  JSConsumerBadDurableNameErr: { code: 400, err_code: 10103, description: "durable name can not contain '.', '*', '>'" },
  JSConsumerStoreFailedErrF: { code: 500, err_code: 10104, description: "error creating store for consumer: {err}" },
  JSConsumerExistingActiveErr: { code: 400, err_code: 10105, description: "consumer already exists and is still active" },
  JSConsumerReplacementWithDifferentNameErr: { code: 400, err_code: 10106, description: "consumer replacement durable config not the same" },
  JSConsumerDescriptionTooLongErrF: { code: 400, err_code: 10107, description: "consumer description is too long, maximum allowed is {max}" },
  JSConsumerWithFlowControlNeedsHeartbeats: { code: 400, err_code: 10108, description: "consumer with flow control also needs heartbeats" },
  JSStreamSealedErr: { code: 400, err_code: 10109, description: "invalid operation on sealed stream" },
  JSStreamPurgeFailedF: { code: 500, err_code: 10110, description: "{err}" },
  JSStreamRollupFailedF: { code: 500, err_code: 10111, description: "{err}" },
  JSConsumerInvalidDeliverSubject: { code: 400, err_code: 10112, description: "invalid push consumer deliver subject" },
  JSStreamMaxBytesRequired: { code: 400, err_code: 10113, description: "account requires a stream config to have max bytes set" },
  JSConsumerMaxRequestBatchNegativeErr: { code: 400, err_code: 10114, description: "consumer max request batch needs to be > 0" },
  JSConsumerMaxRequestExpiresTooSmall: { code: 400, err_code: 10115, description: "consumer max request expires needs to be >= 1ms" },
  JSConsumerMaxDeliverBackoffErr: { code: 400, err_code: 10116, description: "max deliver is required to be > length of backoff values" },
  JSStreamInfoMaxSubjectsErr: { code: 500, err_code: 10117, description: "subject details would exceed maximum allowed" },
  JSStreamOfflineErr: { code: 500, err_code: 10118, description: "stream is offline" },
  JSConsumerOfflineErr: { code: 500, err_code: 10119, description: "consumer is offline" },
  JSNoLimitsErr: { code: 400, err_code: 10120, description: "no JetStream default or applicable tiered limit present" },
  JSConsumerMaxPendingAckExcessErrF: { code: 400, err_code: 10121, description: "consumer max ack pending exceeds system limit of {limit}" },
  JSStreamMaxStreamBytesExceeded: { code: 400, err_code: 10122, description: "stream max bytes exceeds account limit max stream bytes" },
  JSStreamMoveAndScaleErr: { code: 400, err_code: 10123, description: "can not move and scale a stream in a single update" },
  JSStreamMoveInProgressF: { code: 400, err_code: 10124, description: "stream move already in progress: {msg}" },
  JSConsumerMaxRequestBatchExceededF: { code: 400, err_code: 10125, description: "consumer max request batch exceeds server limit of {limit}" },
  JSConsumerReplicasExceedsStream: { code: 400, err_code: 10126, description: "consumer config replica count exceeds parent stream" },
  JSConsumerNameContainsPathSeparatorsErr: { code: 400, err_code: 10127, description: "Consumer name can not contain path separators" },
  JSStreamNameContainsPathSeparatorsErr: { code: 400, err_code: 10128, description: "Stream name can not contain path separators" },
  JSStreamMoveNotInProgress: { code: 400, err_code: 10129, description: "stream move not in progress" },
  JSStreamNameExistRestoreFailedErr: { code: 400, err_code: 10130, description: "stream name already in use, cannot restore" },
  JSConsumerCreateFilterSubjectMismatchErr: { code: 400, err_code: 10131, description: "Consumer create request did not match filtered subject from create subject" },
  JSConsumerCreateDurableAndNameMismatch: { code: 400, err_code: 10132, description: "Consumer Durable and Name have to be equal if both are provided" },
  JSReplicasCountCannotBeNegative: { code: 400, err_code: 10133, description: "replicas count cannot be negative" },
  JSConsumerReplicasShouldMatchStream: { code: 400, err_code: 10134, description: "consumer config replicas must match interest retention stream's replicas" },
  JSConsumerMetadataLengthErrF: { code: 400, err_code: 10135, description: "consumer metadata exceeds maximum size of {limit}" },
  JSConsumerDuplicateFilterSubjects: { code: 400, err_code: 10136, description: "consumer cannot have both FilterSubject and FilterSubjects specified" },
  JSConsumerMultipleFiltersNotAllowed: { code: 400, err_code: 10137, description: "consumer with multiple subject filters cannot use subject based API" },
  JSConsumerOverlappingSubjectFilters: { code: 400, err_code: 10138, description: "consumer subject filters cannot overlap" },
  JSConsumerEmptyFilter: { code: 400, err_code: 10139, description: "consumer filter in FilterSubjects cannot be empty" },
  JSSourceDuplicateDetected: { code: 400, err_code: 10140, description: "duplicate source configuration detected" },
  JSSourceInvalidStreamName: { code: 400, err_code: 10141, description: "sourced stream name is invalid" },
  JSMirrorInvalidStreamName: { code: 400, err_code: 10142, description: "mirrored stream name is invalid" },
  JSMirrorWithFirstSeqErr: { code: 400, err_code: 10143, description: "stream mirrors can not have first sequence configured" },
  JSSourceMultipleFiltersNotAllowed: { code: 400, err_code: 10144, description: "source with multiple subject transforms cannot also have a single subject filter" },
  JSSourceInvalidSubjectFilter: { code: 400, err_code: 10145, description: "source transform source: {err}" },
  JSSourceInvalidTransformDestination: { code: 400, err_code: 10146, description: "source transform: {err}" },
  JSSourceOverlappingSubjectFilters: { code: 400, err_code: 10147, description: "source filters can not overlap" },
  JSConsumerAlreadyExists: { code: 400, err_code: 10148, description: "consumer already exists" },
  JSConsumerDoesNotExist: { code: 400, err_code: 10149, description: "consumer does not exist" },
  JSMirrorMultipleFiltersNotAllowed: { code: 400, err_code: 10150, description: "mirror with multiple subject transforms cannot also have a single subject filter" },
  JSMirrorInvalidSubjectFilter: { code: 400, err_code: 10151, description: "mirror transform source: {err}" },
  JSMirrorOverlappingSubjectFilters: { code: 400, err_code: 10152, description: "mirror subject filters can not overlap" },
  JSConsumerInactiveThresholdExcess: { code: 400, err_code: 10153, description: "consumer inactive threshold exceeds system limit of {limit}" },
  JSMirrorInvalidTransformDestination: { code: 400, err_code: 10154, description: "mirror transform: {err}" },
  JSStreamTransformInvalidSource: { code: 400, err_code: 10155, description: "stream transform source: {err}" },
  JSStreamTransformInvalidDestination: { code: 400, err_code: 10156, description: "stream transform: {err}" },
  JSPedanticErrF: { code: 400, err_code: 10157, description: "pedantic mode: {err}" },
  JSStreamDuplicateMessageConflict: { code: 409, err_code: 10158, description: "duplicate message id is in process" },
  JSConsumerPriorityPolicyWithoutGroup: { code: 400, err_code: 10159, description: "Setting PriorityPolicy requires at least one PriorityGroup to be set" },
  JSConsumerInvalidPriorityGroupErr: { code: 400, err_code: 10160, description: "Provided priority group does not exist for this consumer" },
  JSConsumerEmptyGroupName: { code: 400, err_code: 10161, description: "Group name cannot be an empty string" },
  JSConsumerInvalidGroupNameErr: { code: 400, err_code: 10162, description: "Valid priority group name must match A-Z, a-z, 0-9, -_/=)+ and may not exceed 16 characters" },
  JSStreamExpectedLastSeqPerSubjectNotReady: { code: 503, err_code: 10163, description: "expected last sequence per subject temporarily unavailable" },
  JSStreamWrongLastSequenceConstantErr: { code: 400, err_code: 10164, description: "wrong last sequence" },
  JSMessageTTLInvalidErr: { code: 400, err_code: 10165, description: "invalid per-message TTL" },
  JSMessageTTLDisabledErr: { code: 400, err_code: 10166, description: "per-message TTL is disabled" },
  JSStreamTooManyRequests: { code: 429, err_code: 10167, description: "too many requests" },
  JSMessageIncrDisabledErr: { code: 400, err_code: 10168, description: "message counters is disabled" },
  JSMessageIncrMissingErr: { code: 400, err_code: 10169, description: "message counter increment is missing" },
  JSMessageIncrPayloadErr: { code: 400, err_code: 10170, description: "message counter has payload" },
  JSMessageIncrInvalidErr: { code: 400, err_code: 10171, description: "message counter increment is invalid" },
  JSMessageCounterBrokenErr: { code: 400, err_code: 10172, description: "message counter is broken" },
  JSMirrorWithCountersErr: { code: 400, err_code: 10173, description: "stream mirrors can not also calculate counters" },
  JSAtomicPublishDisabledErr: { code: 400, err_code: 10174, description: "atomic publish is disabled" },
  JSAtomicPublishMissingSeqErr: { code: 400, err_code: 10175, description: "atomic publish sequence is missing" },
  JSAtomicPublishIncompleteBatchErr: { code: 400, err_code: 10176, description: "atomic publish batch is incomplete" },
  JSAtomicPublishUnsupportedHeaderBatchErr: { code: 400, err_code: 10177, description: "atomic publish unsupported header used: {header}" },
  JSConsumerPushWithPriorityGroupErr: { code: 400, err_code: 10178, description: "priority groups can not be used with push consumers" },
  JSAtomicPublishInvalidBatchIDErr: { code: 400, err_code: 10179, description: "atomic publish batch ID is invalid" },
  JSStreamMinLastSeqErr: { code: 412, err_code: 10180, description: "min last sequence" },
  JSConsumerAckPolicyInvalidErr: { code: 400, err_code: 10181, description: "consumer ack policy invalid" },
  JSConsumerReplayPolicyInvalidErr: { code: 400, err_code: 10182, description: "consumer replay policy invalid" },
  JSConsumerAckWaitNegativeErr: { code: 400, err_code: 10183, description: "consumer ack wait needs to be positive" },
  JSConsumerBackOffNegativeErr: { code: 400, err_code: 10184, description: "consumer backoff needs to be positive" },
  JSRequiredApiLevelErr: { code: 412, err_code: 10185, description: "JetStream minimum api level required" },
  JSMirrorWithMsgSchedulesErr: { code: 400, err_code: 10186, description: "stream mirrors can not also schedule messages" },
  JSSourceWithMsgSchedulesErr: { code: 400, err_code: 10187, description: "stream source can not also schedule messages" },
  JSMessageSchedulesDisabledErr: { code: 400, err_code: 10188, description: "message schedules is disabled" },
  JSMessageSchedulesPatternInvalidErr: { code: 400, err_code: 10189, description: "message schedules pattern is invalid" },
  JSMessageSchedulesTargetInvalidErr: { code: 400, err_code: 10190, description: "message schedules target is invalid" },
  JSMessageSchedulesTTLInvalidErr: { code: 400, err_code: 10191, description: "message schedules invalid per-message TTL" },
  JSMessageSchedulesRollupInvalidErr: { code: 400, err_code: 10192, description: "message schedules invalid rollup" },
  JSStreamExpectedLastSeqPerSubjectInvalid: { code: 400, err_code: 10193, description: "missing sequence for expected last sequence per subject" },
  JSStreamOfflineReasonErrF: { code: 500, err_code: 10194, description: "stream is offline: {err}" },
  JSConsumerOfflineReasonErrF: { code: 500, err_code: 10195, description: "consumer is offline: {err}" },
  JSConsumerPriorityGroupWithPolicyNone: { code: 400, err_code: 10196, description: "consumer can not have priority groups when policy is none" },
  JSConsumerPinnedTTLWithoutPriorityPolicyNone: { code: 400, err_code: 10197, description: "PinnedTTL cannot be set when PriorityPolicy is none" },
  JSMirrorWithAtomicPublishErr: { code: 400, err_code: 10198, description: "stream mirrors can not also use atomic publishing" },
  JSAtomicPublishTooLargeBatchErrF: { code: 400, err_code: 10199, description: "atomic publish batch is too large: {size}" },
  JSAtomicPublishInvalidBatchCommitErr: { code: 400, err_code: 10200, description: "atomic publish batch commit is invalid" },
  JSAtomicPublishContainsDuplicateMessageErr: { code: 400, err_code: 10201, description: "atomic publish batch contains duplicate message id" },
  JSClusterServerMemberChangeInflightErr: { code: 400, err_code: 10202, description: "cluster member change is in progress" },
  JSMessageSchedulesSourceInvalidErr: { code: 400, err_code: 10203, description: "message schedules source is invalid" },
  JSConsumerInvalidResetErr: { code: 400, err_code: 10204, description: "invalid reset: {err}" },
  JSBatchPublishDisabledErr: { code: 400, err_code: 10205, description: "batch publish is disabled" },
  JSBatchPublishInvalidPatternErr: { code: 400, err_code: 10206, description: "batch publish pattern is invalid" },
  JSBatchPublishInvalidBatchIDErr: { code: 400, err_code: 10207, description: "batch publish ID is invalid" },
  JSBatchPublishUnknownBatchIDErr: { code: 400, err_code: 10208, description: "batch publish ID unknown" },
  JSMirrorWithBatchPublishErr: { code: 400, err_code: 10209, description: "stream mirrors can not also use batch publishing" },
  JSAtomicPublishTooManyInflight: { code: 429, err_code: 10210, description: "atomic publish too many inflight" },
  JSBatchPublishTooManyInflight: { code: 429, err_code: 10211, description: "batch publish too many inflight" },
  JSMessageSchedulesSchedulerInvalidErr: { code: 400, err_code: 10212, description: "message schedules invalid scheduler" },
  JSMirrorDurableConsumerCfgInvalid: { code: 400, err_code: 10213, description: "stream mirror consumer config is invalid" },
  JSMirrorConsumerRequiresAckFCErr: { code: 400, err_code: 10214, description: "stream mirror consumer requires flow control ack policy" },
  JSSourceDurableConsumerCfgInvalid: { code: 400, err_code: 10215, description: "stream source consumer config is invalid" },
  JSSourceDurableConsumerDuplicateDetected: { code: 400, err_code: 10216, description: "duplicate stream source consumer detected" },
  JSSourceConsumerRequiresAckFCErr: { code: 400, err_code: 10217, description: "stream source consumer requires flow control ack policy" },
  JSConsumerAckFCRequiresPushErr: { code: 400, err_code: 10218, description: "flow control ack policy requires a push based consumer" },
  JSConsumerAckFCRequiresFCErr: { code: 400, err_code: 10219, description: "flow control ack policy requires flow control" },
  JSConsumerAckFCRequiresMaxAckPendingErr: { code: 400, err_code: 10220, description: "flow control ack policy requires max ack pending" },
  JSConsumerAckFCRequiresNoAckWaitErr: { code: 400, err_code: 10221, description: "flow control ack policy requires unset ack wait" },
  JSConsumerAckFCRequiresNoMaxDeliverErr: { code: 400, err_code: 10222, description: "flow control ack policy requires unset max deliver" },
  JSMessageSchedulesTimeZoneInvalidErr: { code: 400, err_code: 10223, description: "message schedules time zone is invalid" },
  JSClusterRescueErr: { code: 400, err_code: 10224, description: "JetStream system rescue not applied: {err}" },
  JSConsumerStreamIdentityMismatchF: { code: 400, err_code: 10225, description: "consumer's stream identity does not match: {msg}" },
} as const satisfies Record<string, ErrorDef>;

export type JSErrorName = keyof typeof JS_ERROR_DEFS;

type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** A named constructor: no argument for fixed texts, an object of placeholder values for templates. */
export type ErrorCtor<S extends string> = [Placeholders<S>] extends [never]
  ? () => ApiError
  : (args: { readonly [P in Placeholders<S>]: ErrArg }) => ApiError;

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "number" && typeof v.err_code === "number" && typeof v.description === "string";
}

function argText(arg: ErrArg): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) return arg.message;
  if (typeof arg === "object") return arg.description;
  return String(arg);
}

/** Fills a description template; unknown placeholders stay as they are (as in nats-server). */
export function fillTemplate(template: string, args: Readonly<Record<string, ErrArg>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const arg = args[name];
    return arg === undefined ? whole : argText(arg);
  });
}

/** Builds the error `name`, filling its template from `args`. */
export function jsError(name: JSErrorName, args: Readonly<Record<string, ErrArg>> = {}): ApiError {
  const def: ErrorDef = JS_ERROR_DEFS[name];
  const inner = args.err;
  if (def.description.includes("{err}") && inner !== undefined && isApiError(inner)) {
    return { code: inner.code, err_code: inner.err_code, description: inner.description };
  }
  return { code: def.code, err_code: def.err_code, description: fillTemplate(def.description, args) };
}

function buildCtors(): { [K in JSErrorName]: ErrorCtor<(typeof JS_ERROR_DEFS)[K]["description"]> } {
  const out: Record<string, (args?: Readonly<Record<string, ErrArg>>) => ApiError> = {};
  for (const name of Object.keys(JS_ERROR_DEFS) as JSErrorName[]) {
    out[name] = (args?: Readonly<Record<string, ErrArg>>) => jsError(name, args ?? {});
  }
  return out as unknown as { [K in JSErrorName]: ErrorCtor<(typeof JS_ERROR_DEFS)[K]["description"]> };
}

/**
 * Named constructors, one per error: `JSErr.JSStreamNotFoundErr()`,
 * `JSErr.JSStreamInvalidConfigF({ err: "max age needs to be >= 100ms" })`.
 */
export const JSErr = buildCtors();

/** The JetStream error with this err_code, if any. */
export function errorNameByCode(errCode: number): JSErrorName | undefined {
  for (const name of Object.keys(JS_ERROR_DEFS) as JSErrorName[]) {
    if (JS_ERROR_DEFS[name].err_code === errCode) return name;
  }
  return undefined;
}
