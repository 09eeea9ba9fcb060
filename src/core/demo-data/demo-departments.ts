import type { PictogramShape } from './pictograms';
import type { BrandTier, DemoBrand, DemoColour, DemoStyle } from './product-traits';

/** A leaf of the demo category tree: the kind of product every item in it is. */
export interface DemoSubcategorySpec {
  readonly name: string;
  /** Pictogram its product images use. */
  readonly shape: PictogramShape;
  /** Median price; prices are log-normal around it. */
  readonly price: number;
  /** Product nouns for titles (for books: nouns of book titles). */
  readonly nouns: readonly string[];
  /** Materials, overriding the category's. */
  readonly materials?: readonly string[];
  /** Colours, overriding the default palette. */
  readonly colours?: readonly DemoColour[];
  /** Books only: what kind of book it is, e.g. `mystery novel`. */
  readonly bookKind?: string;
}

/** A category: its subcategories and the phrases its descriptions draw on. */
export interface DemoCategorySpec {
  readonly name: string;
  /** Use cases, used in descriptions ("Great for …") and as tags. */
  readonly useCases: readonly string[];
  /** Feature phrases, used in descriptions ("Features …"). */
  readonly features: readonly string[];
  readonly materials: readonly string[];
  readonly subcategories: readonly DemoSubcategorySpec[];
}

/** A department: the top level of the tree, with its brands and image tint. */
export interface DemoDepartmentSpec {
  readonly name: string;
  /** Background colour of its product images. */
  readonly tint: string;
  /** Styles common in the department (products of other styles are rare). */
  readonly styles: readonly DemoStyle[];
  readonly brands: readonly DemoBrand[];
  /** Whether its products are books (titles and descriptions read differently). */
  readonly books?: boolean;
  readonly categories: readonly DemoCategorySpec[];
}

const brand = (name: string, style: DemoStyle, tier: BrandTier): DemoBrand => ({
  name,
  style,
  tier,
});

const sub = (
  name: string,
  shape: PictogramShape,
  price: number,
  nouns: readonly string[],
  extra: Partial<Pick<DemoSubcategorySpec, 'materials' | 'colours' | 'bookKind'>> = {},
): DemoSubcategorySpec => ({ name, shape, price, nouns, ...extra });

const BOOK_COLOURS: readonly DemoColour[] = [
  'navy',
  'red',
  'teal',
  'mustard',
  'forest green',
  'burgundy',
  'cream',
  'black',
  'sky blue',
  'orange',
  'lavender',
  'pink',
];
const TECH_COLOURS: readonly DemoColour[] = ['black', 'charcoal', 'silver', 'white', 'grey'];

/** The demo store's departments, categories and subcategories. */
export const DEMO_DEPARTMENTS: readonly DemoDepartmentSpec[] = [
  {
    name: 'Home',
    tint: '#f3ece2',
    styles: ['classic', 'modern', 'minimalist', 'luxe', 'playful'],
    brands: [
      brand('Hearthwood', 'classic', 0),
      brand('Linnea Home', 'minimalist', 0),
      brand('Copperleaf', 'luxe', 1),
      brand('Casa Ruda', 'classic', -1),
      brand('Nordvik', 'modern', 0),
      brand('Pebble & Pine', 'minimalist', -1),
      brand('Maison Ardoise', 'luxe', 1),
      brand('Homely', 'playful', -1),
    ],
    categories: [
      {
        name: 'Kitchen',
        useCases: ['everyday cooking', 'weeknight dinners', 'meal prep', 'entertaining guests'],
        features: [
          'a dishwasher-safe finish',
          'an ergonomic, non-slip grip',
          'a lifetime warranty',
          'a space-saving design',
        ],
        materials: ['stainless steel', 'ceramic', 'cast iron', 'bamboo'],
        subcategories: [
          sub(
            'Knives',
            'knife',
            45,
            ["Chef's Knife", 'Santoku Knife', 'Paring Knife', 'Bread Knife', 'Knife Set'],
            {
              materials: ['stainless steel', 'carbon steel', 'Damascus steel'],
              colours: ['black', 'charcoal', 'walnut', 'oak', 'silver'],
            },
          ),
          sub(
            'Cutting Boards',
            'board',
            32,
            ['Cutting Board', 'Chopping Block', 'Serving Board', 'Carving Board'],
            {
              materials: ['walnut', 'acacia wood', 'bamboo', 'end-grain maple'],
              colours: ['walnut', 'oak', 'bamboo', 'brown'],
            },
          ),
          sub('Cookware', 'pan', 65, ['Frying Pan', 'Skillet', 'Saucepan', 'Dutch Oven', 'Wok'], {
            materials: ['cast iron', 'stainless steel', 'enamelled cast iron', 'carbon steel'],
          }),
          sub('Coffee Makers', 'press', 45, [
            'French Press',
            'Pour-Over Dripper',
            'Moka Pot',
            'Coffee Grinder',
            'Tea Kettle',
          ]),
          sub('Mugs', 'mug', 16, ['Mug', 'Travel Mug', 'Espresso Cup Set', 'Teacup and Saucer'], {
            materials: ['stoneware', 'porcelain', 'enamel', 'double-walled glass'],
          }),
        ],
      },
      {
        name: 'Bedding',
        useCases: ['a restful night', 'guest rooms', 'cosy winter evenings', 'warm summer nights'],
        features: [
          'a breathable weave',
          'an easy-care, machine-washable finish',
          'a hypoallergenic filling',
          'OEKO-TEX certified fabric',
        ],
        materials: ['cotton', 'linen', 'bamboo viscose', 'wool'],
        subcategories: [
          sub('Pillows', 'pillow', 35, ['Pillow', 'Memory Foam Pillow', 'Cushion', 'Body Pillow']),
          sub('Duvets', 'blanket', 95, ['Duvet', 'Comforter', 'Quilt', 'Weighted Blanket']),
          sub('Bed Sheets', 'sheets', 60, [
            'Sheet Set',
            'Fitted Sheet',
            'Duvet Cover',
            'Pillowcase Pair',
          ]),
        ],
      },
      {
        name: 'Decor',
        useCases: ['living rooms', 'a reading corner', 'housewarming gifts', 'a calm bedroom'],
        features: [
          'a hand-finished surface',
          'a warm, dimmable glow',
          'a timeless silhouette',
          'a design that suits small spaces',
        ],
        materials: ['ceramic', 'glass', 'brass', 'rattan', 'oak'],
        subcategories: [
          sub('Lamps', 'lamp', 70, ['Table Lamp', 'Floor Lamp', 'Desk Lamp', 'Pendant Light']),
          sub('Candles', 'candle', 22, ['Scented Candle', 'Pillar Candle', 'Candle Set'], {
            materials: ['soy wax', 'beeswax', 'coconut wax'],
          }),
          sub('Vases', 'vase', 35, ['Vase', 'Bud Vase', 'Floor Vase']),
          sub('Picture Frames', 'frame', 28, [
            'Picture Frame',
            'Gallery Frame Set',
            'Wall Print',
            'Photo Frame',
          ]),
        ],
      },
      {
        name: 'Bath',
        useCases: ['a spa-like bathroom', 'guest bathrooms', 'everyday routines'],
        features: [
          'quick-drying fibres',
          'a plush, absorbent weave',
          'a rust-proof finish',
          'a non-slip base',
        ],
        materials: ['Turkish cotton', 'organic cotton', 'bamboo', 'ceramic'],
        subcategories: [
          sub('Towels', 'sheets', 28, ['Bath Towel', 'Hand Towel Set', 'Bath Sheet', 'Towel Bale']),
          sub('Bath Accessories', 'dispenser', 24, [
            'Soap Dispenser',
            'Lotion Pump',
            'Toothbrush Holder',
            'Bathroom Set',
          ]),
        ],
      },
    ],
  },
  {
    name: 'Outdoor',
    tint: '#e3efe3',
    styles: ['rugged', 'classic', 'minimalist', 'sporty', 'modern'],
    brands: [
      brand('Northpeak', 'rugged', 1),
      brand('Trailhand', 'rugged', 0),
      brand('Fjellby', 'minimalist', 1),
      brand('Campfirely', 'playful', -1),
      brand('Ridgeway Outfitters', 'classic', 0),
      brand('Altura', 'modern', 1),
      brand('Basecamp Basics', 'rugged', -1),
      brand('Lumen Trail', 'sporty', 0),
    ],
    categories: [
      {
        name: 'Camping',
        useCases: ['weekend camping trips', 'festival season', 'family campouts', 'backpacking'],
        features: [
          'a weatherproof build',
          'a quick, one-person pitch',
          'a lightweight, packable design',
          'taped seams',
        ],
        materials: ['ripstop nylon', 'polyester', 'aluminium', 'canvas'],
        subcategories: [
          sub('Tents', 'tent', 180, [
            '2-Person Tent',
            '4-Person Dome Tent',
            'Backpacking Tent',
            'Family Tent',
            'Pop-Up Tent',
          ]),
          sub('Sleeping Bags', 'sleepingbag', 85, [
            'Sleeping Bag',
            'Mummy Sleeping Bag',
            'Down Sleeping Bag',
            "Kids' Sleeping Bag",
          ]),
          sub('Sleeping Pads', 'mat', 60, [
            'Sleeping Pad',
            'Self-Inflating Mat',
            'Camping Mattress',
          ]),
          sub(
            'Camp Kitchen',
            'stove',
            55,
            ['Camp Stove', 'Cook Set', 'Camping Kettle', 'Gas Burner'],
            {
              materials: ['aluminium', 'stainless steel', 'titanium'],
            },
          ),
          sub('Lanterns', 'lantern', 32, ['Camping Lantern', 'LED Lantern', 'Solar Lantern']),
        ],
      },
      {
        name: 'Hiking',
        useCases: ['day hikes', 'multi-day treks', 'alpine trails', 'rainy-season walks'],
        features: [
          'a breathable, waterproof membrane',
          'a supportive fit',
          'reflective details',
          'a padded, adjustable harness',
        ],
        materials: ['Gore-Tex', 'suede', 'nylon', 'carbon fibre', 'aluminium'],
        subcategories: [
          sub('Backpacks', 'backpack', 110, [
            'Daypack',
            'Hiking Backpack',
            'Trekking Pack',
            'Hydration Pack',
          ]),
          sub('Hiking Boots', 'boot', 140, [
            'Hiking Boots',
            'Trail Boots',
            'Mountaineering Boots',
            'Walking Shoes',
          ]),
          sub('Trekking Poles', 'poles', 65, ['Trekking Poles', 'Hiking Staff', 'Folding Poles']),
        ],
      },
      {
        name: 'Essentials',
        useCases: ['long days outdoors', 'overnight trips', 'travel', 'emergency kits'],
        features: [
          'a rechargeable battery',
          'an IPX6 waterproof rating',
          'a leak-proof lid',
          'a tough, lightweight shell',
        ],
        materials: ['stainless steel', 'BPA-free plastic', 'aluminium', 'TPU'],
        subcategories: [
          sub('Water Bottles', 'bottle', 25, [
            'Water Bottle',
            'Insulated Bottle',
            'Collapsible Bottle',
            'Filter Bottle',
          ]),
          sub('Headlamps', 'light', 35, ['Headlamp', 'Rechargeable Headlamp', 'Running Headlamp']),
          sub('Dry Bags', 'drybag', 22, ['Dry Bag', 'Roll-Top Dry Sack', 'Waterproof Pouch']),
        ],
      },
    ],
  },
  {
    name: 'Electronics',
    tint: '#e4e9f2',
    styles: ['modern', 'minimalist', 'luxe', 'sporty', 'classic'],
    brands: [
      brand('Voltara', 'modern', 0),
      brand('Sonique', 'luxe', 1),
      brand('Pixelwave', 'playful', -1),
      brand('Auralis', 'minimalist', 1),
      brand('Kestrel Labs', 'modern', 1),
      brand('Brightcore', 'modern', -1),
      brand('Nimbus Tech', 'minimalist', 0),
      brand('Gridline', 'classic', 0),
    ],
    categories: [
      {
        name: 'Audio',
        useCases: ['commuting', 'working from home', 'workouts', 'long flights'],
        features: [
          'active noise cancelling',
          'a 30-hour battery',
          'Bluetooth 5.3',
          'a built-in microphone',
        ],
        materials: ['aluminium', 'recycled plastic', 'memory foam', 'fabric'],
        subcategories: [
          sub('Headphones', 'headphones', 120, [
            'Over-Ear Headphones',
            'On-Ear Headphones',
            'Studio Headphones',
            'Wireless Headphones',
          ]),
          sub('Earbuds', 'earbuds', 85, [
            'Wireless Earbuds',
            'Sport Earbuds',
            'Noise-Cancelling Earbuds',
          ]),
          sub('Speakers', 'speaker', 90, [
            'Bluetooth Speaker',
            'Smart Speaker',
            'Bookshelf Speakers',
            'Soundbar',
          ]),
        ],
      },
      {
        name: 'Computing',
        useCases: ['working from home', 'students', 'gaming', 'creative work'],
        features: [
          'a backlit keyboard',
          'all-day battery life',
          'USB-C charging',
          'a compact, travel-friendly design',
        ],
        materials: ['aluminium', 'magnesium alloy', 'ABS plastic', 'recycled plastic'],
        subcategories: [
          sub(
            'Laptops',
            'laptop',
            900,
            ['Laptop', 'Ultrabook', 'Gaming Laptop', '2-in-1 Laptop', 'Chromebook'],
            { colours: TECH_COLOURS },
          ),
          sub(
            'Keyboards',
            'keyboard',
            75,
            ['Mechanical Keyboard', 'Wireless Keyboard', 'Compact Keyboard'],
            { colours: TECH_COLOURS },
          ),
          sub('Mice', 'mouse', 35, ['Wireless Mouse', 'Ergonomic Mouse', 'Gaming Mouse'], {
            colours: TECH_COLOURS,
          }),
          sub(
            'Laptop Bags',
            'briefcase',
            55,
            ['Laptop Sleeve', 'Laptop Backpack', 'Messenger Bag'],
            {
              materials: ['recycled nylon', 'leather', 'canvas', 'neoprene'],
            },
          ),
        ],
      },
      {
        name: 'Photography',
        useCases: ['travel photography', 'portraits', 'vlogging', 'wildlife and sport'],
        features: ['weather sealing', 'fast autofocus', '4K video', 'image stabilisation'],
        materials: ['magnesium alloy', 'aluminium', 'carbon fibre', 'polycarbonate'],
        subcategories: [
          sub(
            'Cameras',
            'camera',
            750,
            ['Mirrorless Camera', 'Compact Camera', 'DSLR Camera', 'Instant Camera'],
            { colours: ['black', 'charcoal', 'silver'] },
          ),
          sub('Lenses', 'lens', 420, ['Prime Lens', 'Zoom Lens', 'Wide-Angle Lens', 'Macro Lens'], {
            colours: ['black', 'charcoal', 'silver'],
          }),
          sub('Tripods', 'tripod', 70, ['Tripod', 'Travel Tripod', 'Monopod', 'Tabletop Tripod'], {
            colours: ['black', 'charcoal', 'silver', 'grey'],
          }),
          sub('Memory Cards', 'sdcard', 25, ['SD Card', 'microSD Card', 'CFexpress Card'], {
            colours: ['black', 'navy', 'red', 'grey', 'mustard'],
          }),
        ],
      },
      {
        name: 'Mobile',
        useCases: ['everyday carry', 'travel', 'commuting', 'road trips'],
        features: ['fast charging', 'MagSafe compatibility', 'drop protection', 'a slim profile'],
        materials: ['silicone', 'leather', 'TPU', 'aluminium'],
        subcategories: [
          sub('Phone Cases', 'phonecase', 22, [
            'Phone Case',
            'Wallet Case',
            'Rugged Case',
            'Clear Case',
          ]),
          sub('Chargers', 'charger', 28, [
            'USB-C Charger',
            'Wireless Charger',
            'Car Charger',
            'Charging Stand',
          ]),
          sub('Power Banks', 'battery', 40, ['Power Bank', 'Solar Power Bank', 'Slim Power Bank']),
        ],
      },
    ],
  },
  {
    name: 'Fashion',
    tint: '#f4e6ea',
    styles: ['classic', 'modern', 'minimalist', 'luxe', 'sporty', 'playful'],
    brands: [
      brand('Atelier Rowan', 'luxe', 1),
      brand('Thread & Oak', 'classic', 0),
      brand('Urbanfolk', 'modern', 0),
      brand('Kindred Cloth', 'minimalist', 0),
      brand('Marlowe', 'classic', 1),
      brand('Streetlab', 'sporty', -1),
      brand('Wildbloom', 'playful', -1),
      brand('Haldane', 'rugged', 0),
    ],
    categories: [
      {
        name: 'Footwear',
        useCases: ['everyday wear', 'city walks', 'weekends', 'the office'],
        features: [
          'a cushioned footbed',
          'a grippy rubber sole',
          'a breathable lining',
          'a recycled upper',
        ],
        materials: ['leather', 'suede', 'canvas', 'knit mesh'],
        subcategories: [
          sub('Sneakers', 'sneaker', 85, [
            'Sneakers',
            'Low-Top Trainers',
            'High-Top Sneakers',
            'Slip-On Sneakers',
          ]),
          sub('Boots', 'boot', 130, [
            'Chelsea Boots',
            'Ankle Boots',
            'Lace-Up Boots',
            'Winter Boots',
          ]),
          sub('Sandals', 'sandal', 45, ['Sandals', 'Slides', 'Espadrilles']),
        ],
      },
      {
        name: 'Outerwear',
        useCases: ['rainy commutes', 'cold mornings', 'travel', 'layering'],
        features: [
          'a water-repellent finish',
          'a detachable hood',
          'recycled insulation',
          'zipped pockets',
        ],
        materials: ['wool', 'down', 'waxed cotton', 'recycled nylon', 'denim'],
        subcategories: [
          sub('Jackets', 'jacket', 140, [
            'Puffer Jacket',
            'Denim Jacket',
            'Bomber Jacket',
            'Fleece Jacket',
            'Wool Coat',
          ]),
          sub('Raincoats', 'jacket', 95, ['Raincoat', 'Rain Jacket', 'Trench Coat', 'Rain Poncho']),
        ],
      },
      {
        name: 'Tops',
        useCases: ['everyday wear', 'the office', 'weekends', 'layering'],
        features: [
          'a relaxed fit',
          'a tailored fit',
          'pre-shrunk fabric',
          'a soft, brushed finish',
        ],
        materials: ['organic cotton', 'merino wool', 'linen', 'cashmere', 'jersey'],
        subcategories: [
          sub('T-Shirts', 'tshirt', 25, ['T-Shirt', 'Crew-Neck Tee', 'V-Neck Tee', 'Pocket Tee']),
          sub('Sweaters', 'sweater', 70, ['Sweater', 'Cardigan', 'Hoodie', 'Turtleneck']),
          sub('Shirts', 'shirt', 50, ['Oxford Shirt', 'Flannel Shirt', 'Linen Shirt', 'Overshirt']),
        ],
      },
      {
        name: 'Accessories',
        useCases: ['gifting', 'everyday wear', 'special occasions', 'travel'],
        features: [
          'a gift box',
          'adjustable sizing',
          'hand-stitched details',
          'a water-resistant finish',
        ],
        materials: ['leather', 'wool', 'cashmere', 'stainless steel', 'canvas', 'silk'],
        subcategories: [
          sub('Hats', 'hat', 30, ['Beanie', 'Baseball Cap', 'Bucket Hat', 'Sun Hat']),
          sub('Scarves', 'scarf', 35, ['Scarf', 'Wool Scarf', 'Silk Scarf', 'Snood']),
          sub('Watches', 'watch', 160, [
            'Watch',
            'Chronograph Watch',
            'Minimalist Watch',
            'Dress Watch',
          ]),
          sub('Handbags', 'handbag', 95, ['Tote Bag', 'Crossbody Bag', 'Handbag', 'Shoulder Bag']),
        ],
      },
    ],
  },
  {
    name: 'Books',
    tint: '#efe9dc',
    styles: ['classic', 'modern', 'playful', 'minimalist'],
    books: true,
    brands: [
      brand('Harbor Press', 'classic', 0),
      brand('Lanternfly Books', 'playful', -1),
      brand('Quillstone', 'classic', 1),
      brand('Meridian House', 'modern', 0),
      brand('Foxglove Editions', 'luxe', 1),
      brand('Paperkite', 'playful', -1),
      brand('Northlight Publishing', 'minimalist', 0),
      brand('Saltmarsh Press', 'rugged', 0),
    ],
    categories: [
      {
        name: 'Fiction',
        useCases: ['long weekends', 'book clubs', 'holiday reading', 'cosy evenings'],
        features: [
          'a twist you will not see coming',
          'an award-winning story',
          'a reading-group guide',
          'an exclusive afterword',
        ],
        materials: ['paperback', 'hardback'],
        subcategories: [
          sub(
            'Mystery',
            'book',
            15,
            ['Lighthouse', 'Orchard', 'Witness', 'Harbour', 'Ledger', 'Key', 'Cellar', 'Heir'],
            { bookKind: 'mystery novel', colours: BOOK_COLOURS },
          ),
          sub(
            'Science Fiction',
            'book',
            16,
            ['Colony', 'Signal', 'Machine', 'Horizon', 'Archive', 'Orbit', 'Frontier', 'Engine'],
            { bookKind: 'science-fiction novel', colours: BOOK_COLOURS },
          ),
          sub(
            'Romance',
            'book',
            13,
            ['Summer', 'Promise', 'Letters', 'Bookshop', 'Vineyard', 'Island', 'Season', 'Heart'],
            { bookKind: 'romance novel', colours: BOOK_COLOURS },
          ),
          sub(
            'Fantasy',
            'book',
            17,
            ['Crown', 'Dragon', 'Forest', 'Throne', 'Sword', 'Tower', 'Realm', 'Oath'],
            { bookKind: 'fantasy epic', colours: BOOK_COLOURS },
          ),
        ],
      },
      {
        name: 'Non-fiction',
        useCases: ['curious minds', 'home cooks', 'planning a trip', 'gifting'],
        features: [
          'colour photography',
          'step-by-step guidance',
          'expert interviews',
          'fold-out maps',
        ],
        materials: ['paperback', 'hardback'],
        subcategories: [
          sub(
            'Cookbooks',
            'book',
            28,
            ['Kitchen', 'Table', 'Bread', 'Vegetables', 'Pasta', 'Baking', 'Spice', 'Soup'],
            { bookKind: 'cookbook', colours: BOOK_COLOURS },
          ),
          sub(
            'Travel Guides',
            'book',
            22,
            ['Alps', 'Coast', 'Islands', 'Trails', 'Cities', 'Lakes', 'Highlands', 'Markets'],
            { bookKind: 'travel guide', colours: BOOK_COLOURS },
          ),
          sub(
            'Popular Science',
            'book',
            20,
            ['Universe', 'Brain', 'Ocean', 'Atom', 'Climate', 'Gene', 'Mind', 'Cosmos'],
            { bookKind: 'popular-science book', colours: BOOK_COLOURS },
          ),
          sub(
            'Gardening',
            'book',
            24,
            ['Garden', 'Allotment', 'Herbs', 'Roses', 'Meadow', 'Greenhouse', 'Orchard', 'Seasons'],
            { bookKind: 'gardening book', colours: BOOK_COLOURS },
          ),
        ],
      },
      {
        name: 'Children',
        useCases: ['bedtime stories', 'early readers', 'rainy afternoons', 'classroom fun'],
        features: [
          'bright illustrations',
          'lift-the-flap pages',
          'a sturdy board-book format',
          'stickers inside',
        ],
        materials: ['paperback', 'hardback', 'board book'],
        subcategories: [
          sub(
            'Picture Books',
            'book',
            10,
            ['Bear', 'Moon', 'Dinosaur', 'Balloon', 'Fox', 'Rabbit', 'Whale', 'Owl'],
            { bookKind: 'picture book', colours: BOOK_COLOURS },
          ),
          sub(
            'Activity Books',
            'book',
            8,
            ['Stickers', 'Colouring', 'Mazes', 'Puzzles', 'Doodles', 'Drawing'],
            { bookKind: 'activity book', colours: BOOK_COLOURS },
          ),
        ],
      },
    ],
  },
  {
    name: 'Sports',
    tint: '#e2f0f2',
    styles: ['sporty', 'modern', 'rugged', 'minimalist', 'classic'],
    brands: [
      brand('Strideforce', 'sporty', 0),
      brand('Apex Motion', 'sporty', 1),
      brand('Kinetica', 'modern', 0),
      brand('Ironleaf', 'rugged', 0),
      brand('Flowfit', 'minimalist', 0),
      brand('Velocita', 'luxe', 1),
      brand('Playmaker', 'playful', -1),
      brand('Summit Athletics', 'classic', -1),
    ],
    categories: [
      {
        name: 'Fitness',
        useCases: ['home workouts', 'the gym', 'yoga practice', 'physio routines'],
        features: [
          'a non-slip surface',
          'a compact storage design',
          'sweat-resistant materials',
          'a printed exercise guide',
        ],
        materials: ['natural rubber', 'TPE', 'cast iron', 'neoprene', 'latex'],
        subcategories: [
          sub('Yoga Mats', 'mat', 35, ['Yoga Mat', 'Travel Yoga Mat', 'Exercise Mat']),
          sub('Dumbbells', 'dumbbell', 55, [
            'Dumbbell Pair',
            'Adjustable Dumbbells',
            'Hex Dumbbells',
          ]),
          sub('Resistance Bands', 'band', 20, [
            'Resistance Bands',
            'Loop Band Set',
            'Pull-Up Band',
          ]),
          sub('Foam Rollers', 'roller', 30, ['Foam Roller', 'Massage Roller', 'Vibrating Roller']),
        ],
      },
      {
        name: 'Running',
        useCases: ['5K training', 'marathon prep', 'trail running', 'recovery runs'],
        features: [
          'reflective details',
          'a responsive foam midsole',
          'moisture-wicking fabric',
          'GPS tracking',
        ],
        materials: ['knit mesh', 'recycled polyester', 'merino wool', 'silicone'],
        subcategories: [
          sub('Running Shoes', 'sneaker', 110, [
            'Running Shoes',
            'Trail Running Shoes',
            'Racing Flats',
            'Stability Running Shoes',
          ]),
          sub('Running Socks', 'sock', 15, ['Running Socks', 'Compression Socks', 'Ankle Socks']),
          sub('Sports Watches', 'watch', 220, [
            'GPS Running Watch',
            'Fitness Tracker',
            'Multisport Watch',
          ]),
        ],
      },
      {
        name: 'Cycling',
        useCases: ['commuting by bike', 'weekend rides', 'gravel adventures', 'night riding'],
        features: [
          'a lightweight frame',
          'USB-rechargeable lights',
          'MIPS protection',
          'quick-release fittings',
        ],
        materials: ['aluminium', 'carbon fibre', 'steel', 'polycarbonate'],
        subcategories: [
          sub('Bikes', 'bicycle', 750, [
            'City Bike',
            'Gravel Bike',
            'Road Bike',
            'Folding Bike',
            "Kids' Bike",
          ]),
          sub('Helmets', 'helmet', 75, [
            'Bike Helmet',
            'Road Helmet',
            "Kids' Helmet",
            'MIPS Helmet',
          ]),
          sub('Bike Lights', 'light', 35, ['Bike Light Set', 'Front Light', 'Rear Light']),
        ],
      },
      {
        name: 'Racket & Ball',
        useCases: ['park kickabouts', 'club training', 'beach days', 'school sports'],
        features: [
          'a tournament-grade build',
          'a soft-touch cover',
          'extra durability',
          'a carry bag',
        ],
        materials: ['synthetic leather', 'rubber', 'graphite', 'aluminium'],
        subcategories: [
          sub('Footballs', 'ball', 28, ['Football', 'Training Football', 'Futsal Ball']),
          sub(
            'Basketballs',
            'basketball',
            30,
            ['Basketball', 'Outdoor Basketball', 'Mini Basketball'],
            {
              colours: ['orange', 'brown', 'black', 'navy', 'red'],
            },
          ),
          sub('Tennis Rackets', 'racket', 95, [
            'Tennis Racket',
            'Junior Tennis Racket',
            'Padel Racket',
            'Badminton Racket',
          ]),
          sub('Tennis Balls', 'tennisball', 9, ['Tennis Balls', 'Padel Balls', 'Practice Balls'], {
            colours: ['mustard', 'sage', 'orange', 'pink', 'white'],
          }),
        ],
      },
    ],
  },
  {
    name: 'Toys',
    tint: '#fbf1d9',
    styles: ['playful', 'classic', 'modern'],
    brands: [
      brand('Tinker Tots', 'playful', 0),
      brand('Brickworks', 'modern', 0),
      brand('Woodland Workshop', 'classic', 1),
      brand('Giggle & Co.', 'playful', -1),
      brand('Cosmo Kids', 'modern', -1),
      brand('Puzzlewood', 'classic', 0),
      brand('Snuggle Bay', 'playful', 1),
      brand('Little Explorer', 'rugged', 0),
    ],
    categories: [
      {
        name: 'Building',
        useCases: ['creative play', 'STEM learning', 'family afternoons', 'birthday gifts'],
        features: [
          'compatible pieces',
          'step-by-step instructions',
          'a storage tub',
          'glow-in-the-dark parts',
        ],
        materials: ['ABS plastic', 'beech wood', 'recycled plastic'],
        subcategories: [
          sub('Building Blocks', 'blocks', 35, [
            'Building Blocks',
            'Brick Set',
            'Wooden Blocks',
            'Magnetic Tiles',
          ]),
          sub('Model Kits', 'rocket', 45, [
            'Rocket Kit',
            'Model Car Kit',
            'Robot Kit',
            'Marble Run',
          ]),
        ],
      },
      {
        name: 'Games & Puzzles',
        useCases: ['family game night', 'rainy days', 'parties', 'travel'],
        features: [
          'rules you learn in minutes',
          'room for 2 to 6 players',
          'a linen-finish box',
          'a fold-out board',
        ],
        materials: ['cardboard', 'wood', 'recycled card'],
        subcategories: [
          sub('Board Games', 'dice', 35, [
            'Board Game',
            'Strategy Game',
            'Family Board Game',
            'Cooperative Game',
          ]),
          sub('Jigsaw Puzzles', 'puzzle', 20, [
            '1000-Piece Puzzle',
            '500-Piece Puzzle',
            'Floor Puzzle',
            '3D Puzzle',
          ]),
          sub('Card Games', 'cards', 12, ['Card Game', 'Party Card Game', 'Trivia Cards']),
        ],
      },
      {
        name: 'Plush & Dolls',
        useCases: ['bedtime', 'imaginative play', 'newborn gifts', 'birthdays'],
        features: [
          'safe, embroidered eyes',
          'a machine-washable fabric',
          'super-soft fur',
          'a matching outfit',
        ],
        materials: ['plush polyester', 'organic cotton', 'vinyl'],
        subcategories: [
          sub(
            'Teddy Bears',
            'teddy',
            25,
            ['Teddy Bear', 'Plush Bunny', 'Plush Dinosaur', 'Cuddly Toy'],
            {
              colours: ['brown', 'sand', 'cream', 'pink', 'sky blue', 'grey', 'sage'],
            },
          ),
          sub('Dolls', 'doll', 30, ['Doll', 'Rag Doll', 'Dollhouse Family', 'Fashion Doll']),
        ],
      },
      {
        name: 'Outdoor Play',
        useCases: ['the garden', 'the beach', 'park days', 'summer holidays'],
        features: [
          'weather-resistant materials',
          'easy assembly',
          'an adjustable height',
          'bright colours',
        ],
        materials: ['nylon', 'aluminium', 'fibreglass', 'recycled plastic'],
        subcategories: [
          sub('Kites', 'kite', 25, ['Kite', 'Stunt Kite', 'Delta Kite']),
          sub('Scooters', 'scooter', 75, ['Kick Scooter', 'Three-Wheel Scooter', 'Stunt Scooter']),
        ],
      },
    ],
  },
  {
    name: 'Garden',
    tint: '#e8f1dc',
    styles: ['classic', 'rugged', 'minimalist', 'modern', 'luxe'],
    brands: [
      brand('Greenhouse Co.', 'classic', 0),
      brand('Terra & Twig', 'classic', 1),
      brand('Bloomfield', 'playful', -1),
      brand('Verdant', 'minimalist', 1),
      brand('Rootstock', 'rugged', 0),
      brand('Sunpatch', 'modern', -1),
      brand('Fernhill', 'classic', 0),
      brand('Wildmeadow', 'luxe', 1),
    ],
    categories: [
      {
        name: 'Plants & Pots',
        useCases: ['balconies', 'sunny windowsills', 'patios', 'first-time gardeners'],
        features: [
          'drainage holes',
          'a frost-resistant glaze',
          'a self-watering reservoir',
          'a peat-free growing medium',
        ],
        materials: ['terracotta', 'ceramic', 'recycled plastic', 'fibre clay'],
        subcategories: [
          sub(
            'Planters',
            'planter',
            30,
            ['Plant Pot', 'Planter', 'Hanging Planter', 'Window Box'],
            {
              colours: ['terracotta', 'white', 'charcoal', 'sage', 'cream', 'navy', 'mustard'],
            },
          ),
          sub(
            'Seeds',
            'seeds',
            5,
            ['Seed Collection', 'Herb Seeds', 'Wildflower Seeds', 'Vegetable Seeds'],
            {
              materials: ['seed paper', 'recycled card'],
              colours: [
                'sage',
                'mustard',
                'orange',
                'pink',
                'lavender',
                'sky blue',
                'forest green',
              ],
            },
          ),
          sub(
            'Indoor Plants',
            'plant',
            25,
            ['Monstera', 'Snake Plant', 'Fiddle-Leaf Fig', 'Pothos', 'Peace Lily'],
            {
              colours: ['terracotta', 'white', 'charcoal', 'sage', 'cream'],
            },
          ),
          sub(
            'Potting Soil',
            'sack',
            12,
            ['Potting Mix', 'Compost', 'Orchid Bark', 'Seed Compost'],
            {
              materials: ['peat-free compost', 'coir', 'bark'],
              colours: ['brown', 'forest green', 'olive', 'sand'],
            },
          ),
        ],
      },
      {
        name: 'Garden Tools',
        useCases: ['pruning and tidying', 'planting season', 'vegetable patches', 'small gardens'],
        features: [
          'an ash-wood handle',
          'rust-resistant steel',
          'a comfortable grip',
          'a lifetime guarantee',
        ],
        materials: ['carbon steel', 'stainless steel', 'ash wood', 'galvanised steel'],
        subcategories: [
          sub('Pruners', 'shears', 30, ['Pruning Shears', 'Secateurs', 'Hedge Shears', 'Loppers']),
          sub('Watering Cans', 'wateringcan', 25, [
            'Watering Can',
            'Indoor Watering Can',
            'Hose Nozzle',
          ]),
          sub('Shovels', 'shovel', 35, ['Spade', 'Trowel', 'Garden Fork', 'Border Spade']),
          sub('Gloves', 'glove', 15, ['Gardening Gloves', 'Leather Gloves', 'Thorn-Proof Gloves'], {
            materials: ['leather', 'nitrile', 'bamboo fibre'],
          }),
        ],
      },
      {
        name: 'Garden Furniture',
        useCases: ['summer evenings', 'small balconies', 'dining outdoors', 'lazy afternoons'],
        features: [
          'a weather-proof finish',
          'a foldable design',
          'UV-resistant fabric',
          'FSC-certified wood',
        ],
        materials: ['teak', 'acacia wood', 'powder-coated steel', 'rattan'],
        subcategories: [
          sub('Chairs', 'chair', 90, [
            'Garden Chair',
            'Folding Chair',
            'Lounger',
            'Adirondack Chair',
          ]),
          sub('Parasols', 'parasol', 85, ['Parasol', 'Cantilever Parasol', 'Beach Umbrella']),
          sub('Hammocks', 'hammock', 60, ['Hammock', 'Hammock Chair', 'Camping Hammock']),
        ],
      },
    ],
  },
];
