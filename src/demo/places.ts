/**
 * Where the demo city's callers live and what they name: roads, residential compounds and landmarks of
 * each street of src/seed/units.ts, made up like the city itself. No name here contains another street's or
 * district's name or alias (src/seed/routing.ts), so the address alone finds the right street, as routing
 * would for a real call (test/integration/demo-history.test.ts checks it for every ticket).
 */
import type { Rng } from './random.ts';

export type StreetPlaces = {
  roads: readonly string[];
  compounds: readonly string[];
  landmarks: readonly string[];
  /** A construction site, a market, a square: what a cluster of calls can be about */
  sites: readonly string[];
};

export const STREET_PLACES: Record<string, StreetPlaces> = {
  's-donghua': {
    roads: ['东华门大街', '翠微路', '银杏路', '解放东路'],
    compounds: ['幸福里小区', '银杏苑', '翠微花园', '百货大楼宿舍'],
    landmarks: ['东华菜市场', '实验小学', '人民公园东门', '社区卫生服务中心'],
    sites: ['翠微路与银杏路交叉口的地铁施工工地', '东华菜市场门口'],
  },
  's-chaoyangmen': {
    roads: ['朝阳门内大街', '东四北路', '禄米仓胡同', '新鲜胡同'],
    compounds: ['东四十条小区', '仓南里', '海运仓小区', '新鲜胡同37号院'],
    landmarks: ['朝阳门地铁站', '东四菜场', '区文化馆', '朝内小学'],
    sites: ['东四北路的管线改造工地', '朝阳门地铁站B口'],
  },
  's-hepingli': {
    roads: ['和平里中街', '兴化路', '青年湖北路', '安德路'],
    compounds: ['和平里七区', '兴化西里', '地坛北里', '安德里小区'],
    landmarks: ['青年湖公园', '和平里医院', '地坛体育馆', '兴化路农贸市场'],
    sites: ['青年湖公园南门广场', '安德路的商业综合体工地'],
  },
  's-qinglong': {
    roads: ['青龙大道', '石桥路', '工业园一路', '镇政府路'],
    compounds: ['青龙新苑', '石桥安置小区', '锦绣家园', '工业园职工公寓'],
    landmarks: ['青龙集市', '镇中心小学', '工业园区', '镇卫生院'],
    sites: ['工业园一路的物流园工地', '青龙集市'],
  },
  's-hubin': {
    roads: ['平海路', '延安路', '清波街', '柳营巷'],
    compounds: ['柳营小区', '清波新村', '岳王公寓', '平海公寓'],
    landmarks: ['步行街', '岳王庙', '清波门夜市', '青少年宫'],
    sites: ['清波门夜市', '平海路的老旧管网改造工地'],
  },
  's-liulang': {
    roads: ['闻莺路', '春晓路', '学士路', '长桥路'],
    compounds: ['闻莺苑', '春晓花园', '学士公寓', '长桥新村'],
    landmarks: ['闻莺公园', '学士路小学', '长桥', '春晓路菜场'],
    sites: ['春晓路的供水管网改造工地', '闻莺公园广场'],
  },
  's-baisha': {
    roads: ['沙溪路', '滨江大道', '江边路', '渡口路'],
    compounds: ['沙溪人家', '滨江一号', '江南水岸', '渡口新村'],
    landmarks: ['码头', '滨江公园', '农贸市场', '江边绿道'],
    sites: ['滨江大道的桥梁施工工地', '滨江公园广场'],
  },
  's-nanhu': {
    roads: ['花园街', '新河路', '桃竹巷', '翠湖路'],
    compounds: ['花园新村', '新河湾', '翠湖名苑', '桃竹里'],
    landmarks: ['市民广场', '新河桥', '第二小学', '社区公园'],
    sites: ['新河路的住宅项目工地', '市民广场'],
  },
  's-taoyuan': {
    roads: ['丽景路', '松柏路', '科技大道', '创业路'],
    compounds: ['丽景华庭', '松柏苑', '锦园名居', '科技园公寓'],
    landmarks: ['商业街', '科技园', '松柏公园', '实验中学'],
    sites: ['科技大道的写字楼工地', '松柏公园广场'],
  },
  's-yunling': {
    roads: ['乡道X203', '茶园路', '云山路', '集镇中路'],
    compounds: ['云山新村安置房', '茶岭村三组', '集镇新街', '云山村五组'],
    landmarks: ['茶叶市场', '乡卫生院', '水库', '乡中心小学'],
    sites: ['茶园路的道路拓宽工地', '集镇农贸市场'],
  },
};

export type Street = {
  id: number;
  code: string;
  name: string;
  district: { id: number; name: string };
  communities: { id: number; code: string; name: string }[];
};

/** One concrete place in a street: the pieces demands are made of, and an address routing can read. */
export type Place = {
  street: Street;
  community: string;
  road: string;
  /** Another road of the same street (a crossing) */
  cross: string;
  no: number;
  compound: string;
  building: string;
  landmark: string;
  site: string;
  address: string;
  /** A point inside the street's boundary (the demo boundaries are rectangles, src/seed/routing.ts) */
  lat: number;
  lng: number;
};

/** The demo boundaries' rectangles, [lng1, lat1, lng2, lat2]; 湖滨 has the lake as a hole, avoided here. */
const BOXES: Record<string, [number, number, number, number]> = {
  's-donghua': [120.1, 30.24, 120.12, 30.26],
  's-chaoyangmen': [120.12, 30.24, 120.14, 30.26],
  's-hepingli': [120.14, 30.24, 120.16, 30.26],
  's-qinglong': [120.16, 30.24, 120.2, 30.26],
  's-hubin': [120.121, 30.2, 120.13, 30.24],
  's-liulang': [120.13, 30.2, 120.16, 30.24],
  's-baisha': [120.16, 30.2, 120.2, 30.24],
  's-nanhu': [120.1, 30.16, 120.13, 30.2],
  's-taoyuan': [120.13, 30.16, 120.16, 30.2],
  's-yunling': [120.16, 30.16, 120.2, 30.2],
};

const inside = (rng: Rng, lo: number, hi: number) => Math.round(rng.between(lo + (hi - lo) * 0.1, hi - (hi - lo) * 0.1) * 1e6) / 1e6;

export function placeIn(rng: Rng, street: Street): Place {
  const p = STREET_PLACES[street.code];
  if (!p) throw new Error(`demo places: no places for street ${street.code}`);
  const community = street.communities.length ? rng.pick(street.communities).name : '';
  const road = rng.pick(p.roads);
  const cross = rng.pick(p.roads.filter((x) => x !== road));
  const no = rng.int(1, 268);
  const compound = rng.pick(p.compounds);
  const building = `${rng.int(1, 18)}号楼${rng.chance(0.6) ? `${rng.int(1, 4)}单元` : ''}`;
  const rural = street.code === 's-yunling' || street.code === 's-qinglong';
  const address = rural
    ? `${street.district.name}${street.name}${community}${rng.chance(0.5) ? compound : `${road}${no}号`}`
    : `${street.district.name}${street.name}${rng.chance(0.4) ? community : ''}${road}${no}号${rng.chance(0.6) ? compound : ''}`;
  const box = BOXES[street.code]!;
  return {
    street,
    community,
    road,
    cross,
    no,
    compound,
    building,
    landmark: rng.pick(p.landmarks),
    site: rng.pick(p.sites),
    address,
    lat: inside(rng, box[1], box[3]),
    lng: inside(rng, box[0], box[2]),
  };
}
