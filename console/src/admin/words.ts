import { createI18n, defineMessages } from '@dispatch/ui';

/** The words of the administrator's stations, vehicles, hospitals, users and roster screens (zh-CN / English). */
export const adminMessages = defineMessages(
  {
    // lists
    search: '搜索', hintStations: '按编号、名称或地址筛选', hintVehicles: '按呼号或 GPS 设备编号筛选', hintHospitals: '按编号、名称或地址筛选',
    hintUsers: '按用户名或姓名筛选', hintMembers: '按姓名筛选', savedName: '已保存：{name}', totalRows: '共 {total} 条', pageOf: '第 {page} / {pages} 页',
    prevPage: '上一页', nextPage: '下一页', noRows: '没有符合条件的记录', loading: '加载中…', actions: '操作',
    add: '新增', close: '已记下，关闭', edit: '编辑', save: '保存', cancel: '取消', delete: '删除', saved: '已保存', deleted: '已删除',
    confirmDelete: '确定删除“{name}”？', deleteInUse: '仍被引用，不能删除：有车辆、任务记录、排班或账号指向它（车辆可改为停用）', allStations: '全部站点', allRoles: '全部角色', yes: '是', no: '否',
    // stations
    stationsTitle: '站点（急救中心与分站）', newStation: '新增站点', editStation: '编辑站点 {name}',
    colCode: '编号', colName: '名称', colNameEn: '英文名称', colKind: '类型', colAddress: '地址', colLocation: '位置（经度, 纬度）',
    lon: '经度', lat: '纬度', colCentre: '所属中心', provinceWide: '全省（所有中心）',
    centreHint: '调度员、调度长属于一个中心，只处理本中心的警情；不选中心即为全省账号',
    confirmCentre: '将“{name}”调到{centre}？其所有登录会立即退出，重新登录后生效。',
    // vehicles
    vehiclesTitle: '车辆', newVehicle: '新增车辆', editVehicle: '编辑车辆 {name}', colCallSign: '呼号', colCapabilities: '车载能力',
    colHomeStation: '所属站点', colState: '状态', colDevice: 'GPS 设备', colReason: '停用原因', inService: '在用（可派车）',
    outOfServiceReason: '停用原因（维修、年检…）', deviceTitle: 'GPS 设备绑定', deviceId: '设备编号（OsmAnd / Traccar 的 id）',
    bindDevice: '绑定', unbindDevice: '解除绑定', deviceBound: '已绑定设备 {device}', deviceUnbound: '已解除设备绑定', noDevice: '未绑定',
    // hospitals
    hospitalsTitle: '网络医院', newHospital: '新增医院', editHospital: '编辑医院 {name}', colPhone: '电话', colLoad: '接诊负荷',
    setLoad: '设置接诊负荷',
    // users
    usersTitle: '用户账号', newUser: '新建账号', colUsername: '用户名', colDisplayName: '姓名', colRole: '角色', colBinding: '绑定',
    colDisabled: '状态', active: '正常', disabledState: '已停用', disable: '停用', enable: '启用', resetPassword: '重置密码',
    initialPassword: '初始密码（至少 10 个字符，首次登录后可修改）', bindVehicle: '绑定车辆（车载平板账号）', bindMember: '按排班上车（人员账号）',
    crewBinding: '车组账号绑定方式', chooseVehicle: '选择车辆', chooseMember: '选择人员', chooseHospital: '选择医院',
    temporaryPassword: '{user} 的一次性密码（只显示这一次，请当面交给本人；登录后须设置新密码）：',
    confirmDisable: '停用“{name}”？其所有登录会立即退出。', rosterBinding: '排班：{name}',
    // crews and shifts
    crewsTitle: '人员', rosterTitle: '排班表（一周）', newMember: '新增人员', colCrewRole: '岗位', colStation: '所属站点',
    newShift: '新增班次', shiftVehicle: '车辆', startsAt: '开始时间', endsAt: '结束时间', members: '上车人员',
    prevWeek: '上一周', nextWeek: '下一周', thisWeek: '本周', weekOf: '{from} 至 {to}', noShift: '—', hasLogin: '有账号',
    deleteShift: '删除班次',
    // field problems (the server names the field; these are the words beside it)
    fieldRequired: '必填', fieldTooLong: '过长（最多 {max} 个字符）', fieldTooShort: '至少 {min} 个字符', fieldFormat: '格式不正确',
    fieldCodeFormat: '只能用字母、数字、_ 或 -（最多 32 个）', fieldUsernameFormat: '小写字母、数字、_ . -，2 到 64 个',
    fieldChoose: '请选择', fieldBadValue: '取值无效', fieldRange: '超出范围', fieldNoOrigin: '不能是 0,0（请填写实际位置）',
    fieldTaken: '已被占用', fieldNoSuch: '所选项不存在', fieldCrewBinding: '车组账号须绑定车辆或人员（只能二选一）',
    fieldEndsAfter: '结束时间须晚于开始时间', fieldOnTask: '车辆正在执行任务，需先完成或改派', fieldDeviceTaken: '该设备已绑定在其他车辆',
    fieldOverlap: '该车辆在此时段已有班次', fieldMemberLogin: '该人员已有登录账号', fieldReasonNeeded: '停用时请填写原因',
  },
  {
    search: 'Search', hintStations: 'Filter by code, name or address', hintVehicles: 'Filter by call sign or GPS device id', hintHospitals: 'Filter by code, name or address',
    hintUsers: 'Filter by username or name', hintMembers: 'Filter by name', savedName: 'Saved: {name}', totalRows: '{total} in all', pageOf: 'Page {page} of {pages}',
    prevPage: 'Previous', nextPage: 'Next', noRows: 'Nothing matches', loading: 'Loading…', actions: 'Actions',
    add: 'Add', close: 'Noted, close', edit: 'Edit', save: 'Save', cancel: 'Cancel', delete: 'Delete', saved: 'Saved', deleted: 'Deleted',
    confirmDelete: 'Delete “{name}”?', deleteInUse: 'Still referred to, so it cannot be deleted: vehicles, task history, shifts or logins point to it (a vehicle can be taken out of service)', allStations: 'All stations', allRoles: 'All roles', yes: 'Yes', no: 'No',
    stationsTitle: 'Stations (centre and substations)', newStation: 'New station', editStation: 'Edit station {name}',
    colCode: 'Code', colName: 'Name', colNameEn: 'English name', colKind: 'Kind', colAddress: 'Address', colLocation: 'Location (lon, lat)',
    lon: 'Longitude', lat: 'Latitude', colCentre: 'Centre', provinceWide: 'Province (every centre)',
    centreHint: "A dispatcher or supervisor works in one centre and handles only its incidents; none makes a province-wide login",
    confirmCentre: 'Move “{name}” to {centre}? Every session of it ends at once; the next login works there.',
    vehiclesTitle: 'Vehicles', newVehicle: 'New vehicle', editVehicle: 'Edit vehicle {name}', colCallSign: 'Call sign', colCapabilities: 'Capabilities',
    colHomeStation: 'Home station', colState: 'State', colDevice: 'GPS device', colReason: 'Out-of-service reason', inService: 'In service (can be dispatched)',
    outOfServiceReason: 'Out-of-service reason (repair, inspection…)', deviceTitle: 'GPS device binding', deviceId: 'Device id (as OsmAnd / Traccar sends it)',
    bindDevice: 'Bind', unbindDevice: 'Unbind', deviceBound: 'Device {device} bound', deviceUnbound: 'Device unbound', noDevice: 'none',
    hospitalsTitle: 'Network hospitals', newHospital: 'New hospital', editHospital: 'Edit hospital {name}', colPhone: 'Phone', colLoad: 'Load',
    setLoad: 'Set load status',
    usersTitle: 'Logins', newUser: 'New login', colUsername: 'Username', colDisplayName: 'Name', colRole: 'Role', colBinding: 'Bound to',
    colDisabled: 'State', active: 'Active', disabledState: 'Disabled', disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password',
    initialPassword: 'Initial password (at least 10 characters; the user may change it)', bindVehicle: 'A vehicle (the vehicle tablet’s login)',
    bindMember: 'A crew member (signs on by the roster)', crewBinding: 'Crew login bound to', chooseVehicle: 'Choose a vehicle',
    chooseMember: 'Choose a crew member', chooseHospital: 'Choose a hospital',
    temporaryPassword: 'One-time password of {user} (shown only now; hand it over in person — a new one must be set at login):',
    confirmDisable: 'Disable “{name}”? Every session of it ends at once.', rosterBinding: 'Roster: {name}',
    crewsTitle: 'Crew members', rosterTitle: 'Roster (one week)', newMember: 'New crew member', colCrewRole: 'Role', colStation: 'Station',
    newShift: 'New shift', shiftVehicle: 'Vehicle', startsAt: 'Starts', endsAt: 'Ends', members: 'Crew on board',
    prevWeek: 'Previous week', nextWeek: 'Next week', thisWeek: 'This week', weekOf: '{from} to {to}', noShift: '—', hasLogin: 'login',
    deleteShift: 'Delete shift',
    fieldRequired: 'Required', fieldTooLong: 'Too long (at most {max} characters)', fieldTooShort: 'At least {min} characters', fieldFormat: 'Wrong format',
    fieldCodeFormat: 'Letters, digits, _ or - only (at most 32)', fieldUsernameFormat: 'Lower-case letters, digits, _ . -; 2 to 64',
    fieldChoose: 'Choose one', fieldBadValue: 'Invalid value', fieldRange: 'Out of range', fieldNoOrigin: 'Cannot be 0,0 (enter the real place)',
    fieldTaken: 'Already taken', fieldNoSuch: 'The chosen item does not exist', fieldCrewBinding: 'A crew login is bound to a vehicle or a crew member (one of them)',
    fieldEndsAfter: 'Must be after the start', fieldOnTask: 'The vehicle is on a task: finish or re-assign it first', fieldDeviceTaken: 'That device is bound to another vehicle',
    fieldOverlap: 'The vehicle already has a shift in this period', fieldMemberLogin: 'This crew member already has a login', fieldReasonNeeded: 'Give a reason when out of service',
  },
);

export type AdminWord = keyof (typeof adminMessages)['zh-CN'];

export const useAdminI18n = createI18n(adminMessages);
